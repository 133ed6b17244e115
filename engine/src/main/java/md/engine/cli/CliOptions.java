package md.engine.cli;

import java.util.List;

/**
 * The command line's shared error messages, so that every command words the same mistake the same way:
 * an unknown option names the closest known one, and an option without its value says what it expected.
 */
final class CliOptions {
    private CliOptions() {}

    /** "unknown option '--ouput'; did you mean '--output'? (md run --help lists them)" */
    static UserError unknown(String option, List<String> known, String command) {
        String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
        String best = md.forcefields.ForceFieldSpec.closest(name, known);
        return new UserError("unknown option '" + option + "'" + (best != null ? "; did you mean '" + best + "'?" : "; expected one of " + String.join(", ", known))
                + " (md " + command + " --help lists them)");
    }

    /** The value after {@code args[i - 1]}, or "OPTION needs a value: WHAT". */
    static String value(String[] args, int i, String option, String what) {
        if (i >= args.length) throw new UserError(option + " needs a value: " + what);
        return args[i];
    }
}
