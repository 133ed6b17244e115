#!/usr/bin/env bash
# Packs what the CUDA check needs on a GPU machine that has neither a JDK nor Maven nor the shared data:
# a jlink'ed Java runtime, the project's classes and dependency jars, the benchmark's data files and
# run.sh. Output: device-carry/gpu-bundle/ and its archive device-carry/gpu-bundle.tar.xz (git-ignored).
# On the GPU machine (device tool, carry ["device-carry/gpu-bundle.tar.xz"]):
#   tar -xJf device-carry/gpu-bundle.tar.xz -C /tmp && /tmp/gpu-bundle/run.sh --steps 50
#   (java vs cuda: agreement + ms/step; --backends java,opencl,cuda when the GPU has an OpenCL driver)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$root/scripts/java-env.sh"
cd "$root"
data=${MD_SHARED_DATA:-$root/../shared/data}
out=device-carry/gpu-bundle
mvn -q -o -pl engine -am compile dependency:build-classpath -Dmdep.outputFile="$root/engine/target/gpu-classpath.txt"
rm -rf "$out"
mkdir -p "$out/lib" "$out/classes" "$out/data/rmd17" "$out/data/nequip-reference/aspirin-l2"
IFS=: read -r -a cp < engine/target/gpu-classpath.txt || true   # no trailing newline: read returns 1
for p in "${cp[@]}" engine/target/classes; do
  case "$p" in
    */jocl-*.jar|*/jcuda*.jar|*/snakeyaml-*.jar) cp "$p" "$out/lib/" ;;   # all the benchmark loads
    *.jar) ;;
    *) [ -d "$p" ] && cp -r "$p"/. "$out/classes/" ;;
  esac
done
cp "$data/rmd17/rmd17_aspirin_test_01.npz" "$out/data/rmd17/"
cp "$data"/nequip-reference/aspirin-l2/{config.yaml,weights.npz} "$out/data/nequip-reference/aspirin-l2/"
# modules from jdeps --print-module-deps; java.desktop only for java.beans (SnakeYAML), so its native
# graphics libraries are left out to stay under the device tool's 64 MiB carry limit
jlink --add-modules java.base,java.desktop,java.logging,java.management,jdk.incubator.vector,jdk.unsupported \
  --exclude-files='glob:**/libawt*.so,glob:**/libfontmanager.so,glob:**/libjavajpeg.so,glob:**/liblcms.so,glob:**/libmlib_image.so,glob:**/libsplashscreen.so,glob:**/libjsound.so,glob:**/libfreetype.so,glob:**/libharfbuzz.so' \
  --strip-debug --no-man-pages --no-header-files --compress=zip-9 --output "$out/jre"
cat > "$out/run.sh" <<'RUN'
#!/usr/bin/env bash
# Backend benchmark and agreement check (java vs cuda by default); extra arguments go to the benchmark.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
args=("$@")
[[ " $* " == *" --backends "* ]] || args+=(--backends java,cuda)
exec "$here/jre/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC \
  -cp "$here/classes:$here/lib/*" md.engine.bench.BackendBenchmark --data "$here/data" "${args[@]}"
RUN
chmod +x "$out/run.sh"
# ~72 MiB unpacked, over the device tool's 64 MiB carry limit: carry the compressed archive
tar -C device-carry -cf - gpu-bundle | xz -T2 -6 > device-carry/gpu-bundle.tar.xz
du -sh "$out" device-carry/gpu-bundle.tar.xz
