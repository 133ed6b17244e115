package md.engine.cli;

import java.util.Arrays;

/**
 * {@code md check NAME [options]}: diagnostics of a model that are neither a run nor an evaluation of
 * data. One check so far, {@code equivariance} ({@link EquivarianceCheckCommand}).
 */
public final class CheckCommand implements Command {

    @Override public String name() { return "check"; }

    @Override public String summary() { return "diagnostics of a model (md check equivariance --model FILE: Δ_EQ per layer)"; }

    /** {@code md check equivariance --help} is the check's own usage. */
    @Override public boolean answersHelp() { return true; }

    @Override public String usage() {
        return """
                usage: md check NAME [options]   (md check NAME --help for its options)

                checks:
                  equivariance   the equivariance error Δ_EQ of every layer of a learned model under random
                                 rotations (and, with --reflections, mirror images); docs/equivariance.md""";
    }

    @Override public int run(String[] args) throws Exception {
        if (args.length == 0) throw new UserError("md check needs a check name; expected 'md check equivariance --model FILE' (md check --help)");
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        if (args[0].equals("equivariance")) {
            if (Arrays.asList(rest).contains("--help") || Arrays.asList(rest).contains("-h")) {
                System.out.println(EquivarianceCheckCommand.USAGE);
                return 0;
            }
            return EquivarianceCheckCommand.run(rest);
        }
        throw new UserError("unknown check '" + args[0] + "'; expected equivariance (md check --help)");
    }
}
