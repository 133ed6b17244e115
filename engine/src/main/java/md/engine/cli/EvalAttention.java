package md.engine.cli;

import java.io.IOException;
import java.nio.file.Path;

import md.engine.config.ForceFieldConfig;
import md.engine.io.StructureReader;
import md.engine.report.AttentionMaps;
import md.engine.report.AttentionReport;
import md.engine.system.Frame;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFile;

/**
 * {@code md eval --forcefield MODEL --attention [--frame K] [-o DIR] INPUT}: the attention maps of a GeomAtt model for
 * one frame of a structure file ({@link AttentionReport}'s files).
 */
final class EvalAttention {
    private EvalAttention() {}

    static int run(String ffArg, Path input, Integer frameIndex, Path output, boolean quiet) throws IOException {
        Path modelFile = modelFile(ffArg);
        Path dir = output != null ? output : Path.of("attention-" + input.getFileName().toString().replaceFirst("\\.[^.]*$", ""));
        LearnedModel model;
        try {
            model = ModelFile.read(modelFile);
        } catch (IOException e) {
            throw new UserError(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new UserError(modelFile + ": " + e.getMessage());
        }
        if (!(model.architecture() instanceof GeomAtt))
            throw new UserError(modelFile + " is a " + model.architecture().family() + " model; attention maps are a GeomAtt feature "
                    + "(expected a model file from 'md train' with family: geomatt or from 'md import geomatt')");

        Frame frame = StructureReader.read(input, frameIndex); // missing files and frames out of range: errors that name them
        int frames = frameCount(input);
        int k = frameIndex == null ? 0 : frameIndex < 0 ? frames + frameIndex : frameIndex;
        if (frame.cell().isPeriodic())
            throw new UserError(input + ", frame " + k + ": a periodic structure (pbc " + pbc(frame.cell().pbc()) + "); GeomAtt has no cutoff and "
                    + "models isolated molecules only, so attention maps need a structure without a periodic cell");
        AttentionMaps maps;
        try {
            maps = AttentionMaps.of(model, frame.atomicNumbers(), frame.positions());
        } catch (IllegalArgumentException e) {
            throw new UserError(input + ", frame " + k + ": " + e.getMessage() + "; expected a structure of the elements of " + modelFile);
        }
        md.engine.io.OutputPaths.folder(dir, "output folder" + (output != null ? " (-o)" : ""));
        AttentionReport.Inputs in = new AttentionReport.Inputs(modelFile, input, k, frames);
        IoFailure.wrap("cannot write the attention maps in " + dir, () -> AttentionReport.write(maps, in, dir));
        if (!quiet)
            System.out.println("md eval --attention: " + maps.maps().size() + " maps (streams × layers) of " + input + (frames > 1 ? ", frame " + k : "")
                    + " with " + modelFile + " -> " + dir.resolve(AttentionReport.HTML) + ", " + AttentionReport.NPZ + ", " + AttentionReport.JSON);
        return 0;
    }

    /** The model file that --forcefield names: the file itself, or the 'model' of a {type: learned, ...} force field. */
    private static Path modelFile(String ffArg) {
        ForceFieldConfig config = EvalCommand.forceFieldConfig(ffArg);
        if (!config.spec().type().equals("learned") || !config.spec().has("model"))
            throw new UserError("--attention needs a GeomAtt model file (--forcefield MODEL.zip), got a force field of type '" + config.spec().type()
                    + "'; attention maps are a GeomAtt feature");
        Path file;
        try {
            file = config.spec().requireFile("model");
        } catch (md.forcefields.ForceFieldConfigException e) {
            throw config.node().error(e.getMessage());
        }
        // --forcefield FILE: the path as typed (the configuration holds it absolute), for the report's heading
        Path typed = ffArg.strip().startsWith("{") ? null : Path.of(ffArg);
        return typed != null && typed.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize()) ? typed : file;
    }

    private static int frameCount(Path input) {
        return switch (StructureReader.formatOf(input)) {
            case EXTXYZ -> md.engine.io.ExtxyzReader.countFrames(input);
            case NPZ -> md.engine.io.NpzFrames.countFrames(input);
            default -> StructureReader.readAll(input).size();
        };
    }

    private static String pbc(boolean[] pbc) {
        StringBuilder sb = new StringBuilder();
        for (boolean b : pbc) sb.append(sb.isEmpty() ? "" : " ").append(b ? "T" : "F");
        return sb.toString();
    }
}
