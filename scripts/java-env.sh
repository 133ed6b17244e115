# Sourced by ./md, ./run-tests and .ci/run: picks a JDK >= 21 (the Temurin 25 JDK on these machines).
if [ -z "${MD_JAVA_HOME:-}" ]; then
  for cand in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk* /usr/lib/jvm/java-25-openjdk* /usr/lib/jvm/temurin-21-jdk* /usr/lib/jvm/java-21-openjdk*; do
    if [ -n "$cand" ] && [ -x "$cand/bin/java" ]; then
      v=$("$cand/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
      if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then MD_JAVA_HOME=$cand; md_java_version=$v; break; fi
    fi
  done
fi
if [ -z "${MD_JAVA_HOME:-}" ]; then
  echo "md: needs a JDK 21 or newer (Temurin 25 recommended); set MD_JAVA_HOME to its folder" >&2
  exit 2
fi
export JAVA_HOME=$MD_JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
# PoCL would otherwise install its own SIGFPE handler over the JVM's (integer division by zero stops throwing).
export POCL_SIGFPE_HANDLER=0
# PoCL's LLVM also puts its own SIGSEGV, SIGBUS, SIGILL and SIGFPE handlers in place of the JVM's when it builds the
# OpenCL program (device: opencl), and the JVM takes SIGSEGV for its null checks and safepoint polls: two threads
# faulting at once then killed the process (exit 139, no hs_err file). The JDK's libjsig, preloaded,
# keeps the JVM's handlers in place and chains the library's behind them (SignalChainingTest). Child processes inherit
# it; outside a JVM it only passes the calls on.
if [ -f "$JAVA_HOME/lib/libjsig.so" ]; then
  case ":${LD_PRELOAD:-}:" in
    *"/libjsig.so:"*) ;;
    *) export LD_PRELOAD="$JAVA_HOME/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}" ;;
  esac
fi
MD_JVM_FLAGS="--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC"
# Transparent huge pages (2 MB) for the Java heap where the kernel offers them (THP "always" or "madvise"): the
# learned models' kernels stream MBs of per-op buffers, and large pages cut their TLB misses (GeomAtt on aspirin
# ~4 % faster per call, docs/benchmarks.md). Where THP is off the JVM would print a warning on every start, so the
# flag is added only where it is on.
if grep -qs '\[\(always\|madvise\)\]' /sys/kernel/mm/transparent_hugepage/enabled; then
  MD_JVM_FLAGS="$MD_JVM_FLAGS -XX:+UseTransparentHugePages"
fi
# Maven's bundled Guice/Guava use sun.misc.Unsafe's memory methods, which JDK 24+ warns about; the option that
# allows them quietly exists from JDK 23 (JEP 471) and stops older JVMs ("Unrecognized option"), so it is
# added only where the JDK knows it.
[ -n "${md_java_version:-}" ] || md_java_version=$("$JAVA_HOME/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')
if [ "${md_java_version%%.*}" -ge 23 ] 2>/dev/null; then
  case " ${MAVEN_OPTS:-} " in
    *" --sun-misc-unsafe-memory-access="*) ;;
    *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;;
  esac
fi
# Maven's own JVM lives seconds and runs no kernels (tests and md.jar run in JVMs of their own): C1 alone spares it
# the C2 compilations, ~40 % of its CPU (mvn test -DskipTests: 2.7 s instead of 4.4-4.9 s of CPU).
case " ${MAVEN_OPTS:-} " in
  *" -XX:TieredStopAtLevel="*) ;;
  *) export MAVEN_OPTS="${MAVEN_OPTS:-} -XX:TieredStopAtLevel=1" ;;
esac
# Maven 3.8's console library (jansi 2) writes colour resets (ESC[0m) when it exits, even in batch mode with
# style.color=never, so logs and the launcher's first build showed raw escape codes; jansi.noreset stops that.
case " ${MAVEN_OPTS:-} " in
  *" -Djansi.noreset="*) ;;
  *) export MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" ;;
esac
