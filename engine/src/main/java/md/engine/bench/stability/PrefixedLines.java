package md.engine.bench.stability;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A stream that writes whole lines to {@code target}, each with a prefix, so that concurrent runs' progress lines do not mix. */
final class PrefixedLines extends OutputStream {
    private final PrintStream target;
    private final String prefix;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private PrefixedLines(PrintStream target, String prefix) {
        this.target = target;
        this.prefix = prefix;
    }

    static PrintStream of(PrintStream target, String prefix) {
        return new PrintStream(new PrefixedLines(target, prefix), true, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            synchronized (target) {
                target.println(prefix + text);
            }
        } else if (b != '\r') line.write(b);
    }
}
