package md.engine.cli;

/** One {@code md} subcommand. */
public interface Command {
    String name();

    /** One line for {@code md help}. */
    String summary();

    /** Full usage text for {@code md NAME --help}. */
    String usage();

    /** Runs the command; returns the process exit code. Throws {@link UserError} for user mistakes. */
    int run(String[] args) throws Exception;

    /**
     * True when the command answers {@code --help} itself wherever it appears (a command with
     * subcommands, each with its own usage); otherwise {@code --help} anywhere prints {@link #usage()}.
     */
    default boolean answersHelp() { return false; }
}
