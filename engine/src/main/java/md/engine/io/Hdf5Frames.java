package md.engine.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.jhdf.HdfFile;
import md.engine.cli.UserError;
import md.engine.system.Frame;

/** Frames of an HDF5 file of either kind this engine reads: an H5MD trajectory or an ANI data set. */
final class Hdf5Frames {
    private Hdf5Frames() {}

    static List<Frame> readAll(Path file) {
        if (!Files.isRegularFile(file) && !H5mdTrajectoryReader.segments(file).isEmpty())
            return frames(H5mdTrajectoryReader.readTrajectory(file));
        md.engine.cli.IoFailure.requireReadable(file);
        boolean trajectory, ani;
        try (HdfFile h5 = new HdfFile(file)) {
            trajectory = H5mdTrajectoryReader.isTrajectory(h5);
            ani = !trajectory && AniHdf5Reader.looksLikeAni(h5);
        } catch (RuntimeException e) {
            throw new UserError(file + ": cannot read as HDF5 (" + e.getMessage() + ")", e);
        }
        if (trajectory) return frames(H5mdTrajectoryReader.readSegment(file));
        if (!ani) throw new UserError(file + ": HDF5 file is neither an H5MD trajectory (/particles/all) nor an ANI data set (groups with 'coordinates')");
        List<Frame> out = new ArrayList<>();
        for (AniHdf5Reader.Molecule m : AniHdf5Reader.read(file)) out.addAll(m.conformers());
        return out;
    }

    private static List<Frame> frames(List<H5mdTrajectoryReader.Entry> entries) {
        List<Frame> out = new ArrayList<>(entries.size());
        for (H5mdTrajectoryReader.Entry e : entries) {
            java.util.Map<String, Object> info = new java.util.LinkedHashMap<>(e.frame().info());
            info.put("step", e.step());
            info.put("time_fs", e.timeFs());
            out.add(e.frame().withInfo(info));
        }
        return out;
    }
}
