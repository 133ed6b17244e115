package md.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The terminal progress line fits the terminal; the rate forgets the warm-up. */
class ProgressTest {
    private static final long S = 1_000_000_000L;

    @Test
    void lineIsExactlyOneColumnShorterThanTheTerminalAtAnyWidth() {
        for (int columns : new int[] {20, 40, 60, 80, 132, 300}) {
            String line = Progress.barLine(columns, 1234, 0, 600000, 1523.4, 499.87);
            assertEquals(columns - 1, line.length(), "width " + columns + ": '" + line + "'");
            assertFalse(line.contains("\n") || line.contains("\r"), line);
        }
        String wide = Progress.barLine(132, 300000, 0, 600000, 1000, 500);
        assertTrue(wide.startsWith("[###############...............]  50.0%  step 300000/600000   1000 steps/s  T  500.0 K  ETA    5:00"), wide);
        // the fields keep their width, so the bar keeps its width from one redraw to the next
        assertEquals(Progress.barLine(90, 5, 0, 600000, 30, 50.0).indexOf(']'), Progress.barLine(90, 599999, 0, 600000, 12345, 1500.0).indexOf(']'));
        // too narrow for the bar: the numbers stay, the bar goes
        String narrow = Progress.barLine(70, 300000, 0, 600000, 1000, 500);
        assertFalse(narrow.contains("["), narrow);
        assertTrue(narrow.contains("ETA 5:00") && !narrow.strip().contains("  "), narrow);
        // no rate yet: no made-up ETA
        assertTrue(Progress.barLine(100, 0, 0, 100, Double.NaN, 300).contains("    - steps/s  T  300.0 K  ETA       ?"));
    }

    @Test
    void rateIsThatOfTheLastWindowNotSinceTheStart() {
        RateWindow w = new RateWindow(10 * S, 0, 0);
        // 60 s of warm-up at 5 steps/s, then 1000 steps/s
        long step = 0, t = 0;
        for (int i = 0; i < 60; i++) { t += S; step += 5; w.add(t, step); }
        double rate = 0;
        for (int i = 0; i < 30; i++) { t += S; step += 1000; rate = w.add(t, step); }
        assertEquals(1000, rate, 1e-9, "the window holds only the fast part");
        // since the start it would have been 30300/90 = 337 steps/s, and the ETA three times too long
        RateWindow two = new RateWindow(2 * S, 0, 0);
        two.add(S, 5);
        assertEquals(1005 / 2.0, two.add(2 * S, 1005), 1e-9, "within the window: the rate over all of it");
    }

    @Test
    void rateIsNaNBeforeAnyTimePassed() {
        assertTrue(Double.isNaN(new RateWindow(S, 7, 0).add(7, 0)));
    }

    @Test
    void terminalWidthFromColumnsText() {
        assertEquals(120, Progress.columns("120"));
        assertEquals(80, Progress.columns(" 80\n"));
        assertNull(Progress.columns("0"));
        assertNull(Progress.columns("wide"));
        assertNull(Progress.columns(null));
    }
}
