package md.engine.report;

import java.util.Locale;

/**
 * A square matrix as an SVG heat map: one cell per entry (row i from the top, column j from the left), the same
 * labels along both axes, a title, and a colour bar from 0 to the largest entry (viridis). Each cell carries a
 * {@code <title>} with its labels and value, which browsers show on hover. Written by hand rather than with
 * XChart: its heat maps have no per-cell labels on category axes and no tooltips in SVG.
 */
public final class HeatMapSvg {
    private HeatMapSvg() {}

    /** Plot area edge (px) that the cells share; cells are at most {@link #MAX_CELL} px. */
    static final int PLOT = 288, MAX_CELL = 40;
    private static final int LEFT = 44, TOP = 30, BAR_GAP = 14, BAR_WIDTH = 14, RIGHT = 58, BOTTOM = 44;

    /** Viridis at 9 evenly spaced points (matplotlib's table), interpolated linearly between them. */
    private static final int[] VIRIDIS = {0x440154, 0x472d7b, 0x3b528b, 0x2c728e, 0x21918c, 0x28ae80, 0x5ec962, 0xaddc30, 0xfde725};

    /**
     * @param id     unique on the page (names the colour bar's gradient)
     * @param matrix row-major n × n values (finite, non-negative: the colour scale starts at 0)
     * @param labels n axis labels (e.g. "C0", "H3")
     */
    public static String svg(String id, String title, double[] matrix, String[] labels) { return svg(id, title, matrix, labels, null); }

    /** As above, with the cells {@code outlined} (row-major n × n, may be null) drawn with a white frame, e.g. bonded pairs. */
    public static String svg(String id, String title, double[] matrix, String[] labels, boolean[] outlined) {
        int n = labels.length;
        if (matrix.length != n * n) throw new IllegalArgumentException("a " + n + " × " + n + " matrix needs " + n * n + " values, got " + matrix.length);
        double max = 0;
        for (double v : matrix) {
            if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException("heat-map values must be finite and non-negative, got " + v);
            max = Math.max(max, v);
        }
        double cell = Math.min(MAX_CELL, (double) PLOT / n);
        double plot = cell * n;
        int width = (int) Math.ceil(LEFT + plot + BAR_GAP + BAR_WIDTH + RIGHT), height = (int) Math.ceil(TOP + plot + BOTTOM);
        // Labels every k-th atom so that they never overlap (about 9 px per label at font size 9).
        int every = (int) Math.ceil(10.0 / cell);
        double font = Math.min(11, Math.max(7, cell * 0.55));
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\">", width, height, width, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>");
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"18\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">%s</text>",
                LEFT + plot / 2, HtmlReport.esc(title)));
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double v = matrix[i * n + j];
                s.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"%s\"><title>%s – %s: %s</title></rect>",
                        LEFT + j * cell, TOP + i * cell, cell + 0.02, cell + 0.02, colour(max > 0 ? v / max : 0),
                        HtmlReport.esc(labels[i]), HtmlReport.esc(labels[j]), number(v)));
            }
        if (outlined != null)
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++)
                    if (outlined[i * n + j])
                        s.append(String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"#fff\" "
                                + "stroke-width=\"%.2f\" class=\"outlined\"/>", LEFT + j * cell + 1, TOP + i * cell + 1, cell - 2, cell - 2, Math.max(1, cell / 14)));
        for (int k = 0; k < n; k += every) {
            double c = (k + 0.5) * cell;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\" font-size=\"%.1f\">%s</text>",
                    LEFT - 4.0, TOP + c, font, HtmlReport.esc(labels[k])));
            s.append(String.format(Locale.ROOT, "<text transform=\"translate(%.1f %.1f) rotate(-90)\" text-anchor=\"end\" dominant-baseline=\"middle\" font-size=\"%.1f\">%s</text>",
                    LEFT + c, TOP + plot + 4.0, font, HtmlReport.esc(labels[k])));
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"%.2f\" fill=\"none\" stroke=\"#999\" stroke-width=\"0.6\"/>",
                LEFT, TOP, plot, plot));
        colourBar(s, id + "-scale", LEFT + plot + BAR_GAP, plot, max);
        return s.append("</svg>").toString();
    }

    /** A vertical bar of the colour scale beside the plot, 0 at the bottom, with three ticks. */
    private static void colourBar(StringBuilder s, String id, double x, double plot, double max) {
        s.append("<defs><linearGradient id=\"").append(id).append("\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">");
        for (int k = 0; k < VIRIDIS.length; k++)
            s.append(String.format(Locale.ROOT, "<stop offset=\"%.4f\" stop-color=\"#%06x\"/>", k / (VIRIDIS.length - 1.0), VIRIDIS[k]));
        s.append("</linearGradient></defs>");
        s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%d\" height=\"%.2f\" fill=\"url(#%s)\" stroke=\"#999\" stroke-width=\"0.6\"/>",
                x, TOP, BAR_WIDTH, plot, id));
        for (int t = 0; t <= 2; t++) {
            double y = TOP + plot - t * plot / 2;
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#555\" stroke-width=\"0.8\"/>", x + BAR_WIDTH, y, x + BAR_WIDTH + 3, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" dominant-baseline=\"middle\" font-size=\"10\">%s</text>",
                    x + BAR_WIDTH + 5, y, number(max * t / 2)));
        }
    }

    /** Viridis at u ∈ [0, 1]. */
    static String colour(double u) {
        double p = Math.max(0, Math.min(1, u)) * (VIRIDIS.length - 1);
        int k = Math.min((int) p, VIRIDIS.length - 2);
        double f = p - k;
        int a = VIRIDIS[k], b = VIRIDIS[k + 1];
        int r = (int) Math.round((a >> 16 & 255) * (1 - f) + (b >> 16 & 255) * f);
        int g = (int) Math.round((a >> 8 & 255) * (1 - f) + (b >> 8 & 255) * f);
        int bl = (int) Math.round((a & 255) * (1 - f) + (b & 255) * f);
        return String.format(Locale.ROOT, "#%02x%02x%02x", r, g, bl);
    }

    private static String number(double v) {
        return v == 0 ? "0" : String.format(Locale.ROOT, Math.abs(v) >= 1e-4 && Math.abs(v) < 1e4 ? "%.3g" : "%.2e", v);
    }
}
