package md.engine.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts for the analysis report (XChart), exported as inline SVG. */
final class Charts {
    private Charts() {}

    static final int WIDTH = 620, HEIGHT = 360;
    /** Most points drawn per series; longer series are thinned so the page stays light. */
    static final int MAX_POINTS = 2500;

    static final Color BLUE = new Color(0x1f77b4), ORANGE = new Color(0xff7f0e), GREEN = new Color(0x2ca02c),
            RED = new Color(0xd62728), PURPLE = new Color(0x9467bd), GREY = new Color(0x7f7f7f);
    static final Color[] PALETTE = {BLUE, ORANGE, GREEN, RED, PURPLE, new Color(0x8c564b), new Color(0xe377c2), GREY};

    static XYChart chart(String title, String xTitle, String yTitle) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        Styler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        // Below the plot, so that it never hides data.
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setLegendBorderColor(new Color(0xdddddd));
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        s.setSeriesColors(PALETTE);
        c.getStyler().setPlotGridLinesColor(new Color(0xeeeeee));
        c.getStyler().setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        c.getStyler().setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        c.getStyler().setPlotBorderVisible(false);
        c.getStyler().setXAxisDecimalPattern("0.###");
        c.getStyler().setXAxisTickMarkSpacingHint(90);   // room for labels such as "0.125"
        return c;
    }

    /** Fixes the x range (distances and angles start at 0 rather than at the first bin centre). */
    static void xRange(XYChart c, double min, double max) {
        c.getStyler().setXAxisMin(min);
        c.getStyler().setXAxisMax(max);
        if (c.getSeriesMap().isEmpty() || !(max > min)) return;
        // XChart puts a tick at every k-th x value when all x values of all series are equally spaced
        // (time series, histograms), and its labels then overlap. One invisible point at an irregular x
        // makes it choose round-numbered ticks instead.
        XYSeries any = c.getSeriesMap().values().iterator().next();
        double y = any.getYData()[0];
        XYSeries hidden = c.addSeries("\u200b", new double[] {min + (max - min) / Math.PI}, new double[] {y});
        hidden.setShowInLegend(false);
        hidden.setMarker(SeriesMarkers.NONE);
        hidden.setLineColor(new Color(0, 0, 0, 0));
    }

    /** Tick labels for y values of this magnitude: plain decimals, or scientific for tiny ranges. */
    static void yLabels(XYChart c, double... values) {
        double m = 0;
        for (double v : values) if (Double.isFinite(v)) m = Math.max(m, Math.abs(v));
        c.getStyler().setYAxisDecimalPattern(m > 0 && m < 0.01 ? "0.##E0" : "0.###");
    }

    /** A solid line (no markers); non-finite values are left out, and a series with none is not drawn. */
    static void line(XYChart c, String name, double[] x, double[] y, Color color) {
        add(c, name, x, y, color, 1.6f, null);
    }

    static void dashed(XYChart c, String name, double[] x, double[] y, Color color) {
        add(c, name, x, y, color, 1.6f, new float[] {6f, 4f});
    }

    /** A horizontal line across [x0, x1] at height y (thresholds, means). */
    static void horizontal(XYChart c, String name, double x0, double x1, double y, Color color) {
        dashed(c, name, new double[] {x0, x1}, new double[] {y, y}, color);
    }

    /** A vertical line at x from y0 to y1 (collapse points). */
    static void vertical(XYChart c, String name, double x, double y0, double y1, Color color) {
        add(c, name, new double[] {x, x}, new double[] {y0, y1}, color, 2.2f, null);
    }

    private static void add(XYChart c, String name, double[] x, double[] y, Color color, float width, float[] dash) {
        double[][] xy = finite(x, y);
        if (xy[0].length == 0) return;
        int[] keep = thin(xy[0].length);
        XYSeries s = c.addSeries(name, pick(xy[0], keep), pick(xy[1], keep));
        s.setMarker(SeriesMarkers.NONE);
        s.setLineColor(color);
        s.setLineWidth(width);
        if (dash != null) s.setLineStyle(new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, dash, 0f));
    }

    /** Envelope-preserving thinning for spiky time series: the maximum of each of at most MAX_POINTS buckets. */
    static double[][] bucketMax(double[] x, double[] y) {
        if (x.length <= MAX_POINTS) return new double[][] {x, y};
        int buckets = MAX_POINTS;
        double[] bx = new double[buckets], by = new double[buckets];
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * x.length / buckets), to = (int) ((long) (b + 1) * x.length / buckets);
            double m = Double.NEGATIVE_INFINITY;
            for (int i = from; i < to; i++) if (!(y[i] <= m)) m = y[i];
            bx[b] = x[from];
            by[b] = m;
        }
        return new double[][] {bx, by};
    }

    private static final java.util.regex.Pattern DECIMALS = java.util.regex.Pattern.compile("(\\d\\.\\d\\d)\\d+");

    static String svg(XYChart c) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            VectorGraphicsEncoder.saveVectorGraphic(c, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
            String s = out.toString(StandardCharsets.UTF_8);
            // Inline SVG in HTML5 takes the <svg> element alone, without the XML prolog and DOCTYPE.
            int start = s.indexOf("<svg");
            if (start < 0) throw new IllegalStateException("XChart produced no <svg> element");
            // VectorGraphics2D writes glyph outlines with up to 16 decimals; 0.01 px is far below what a
            // screen shows and makes the page about half as large.
            return DECIMALS.matcher(s.substring(start)).replaceAll("$1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double[][] finite(double[] x, double[] y) {
        int n = 0;
        for (int i = 0; i < x.length; i++) if (Double.isFinite(x[i]) && Double.isFinite(y[i])) n++;
        double[] fx = new double[n], fy = new double[n];
        for (int i = 0, k = 0; i < x.length; i++) if (Double.isFinite(x[i]) && Double.isFinite(y[i])) { fx[k] = x[i]; fy[k++] = y[i]; }
        return new double[][] {fx, fy};
    }

    private static int[] thin(int n) {
        int stride = Math.max(1, (n + MAX_POINTS - 1) / MAX_POINTS);
        int m = (n + stride - 1) / stride;
        int[] keep = new int[m + ((n - 1) % stride == 0 ? 0 : 1)];
        for (int i = 0; i < m; i++) keep[i] = i * stride;
        if (keep.length > m) keep[m] = n - 1;   // always keep the last point
        return keep;
    }

    private static double[] pick(double[] v, int[] keep) {
        double[] out = new double[keep.length];
        for (int i = 0; i < keep.length; i++) out[i] = v[keep[i]];
        return out;
    }
}
