package md.forcefields.ml;

/**
 * The shape of a value in a model's forward pass: a matrix of {@code width} columns whose rows are the
 * atoms, the directed edges, the unordered pairs or the whole graph (one row) of the {@link Graph} it
 * is evaluated on, or a fixed number of rows (parameters). Row counts of graph domains are known only
 * when a graph is given, which lets one traced plan serve every step of a simulation.
 *
 * <p>{@code ATOM_PAIRS} is the dense domain of models without a neighbour list (GeomAtt): every ordered
 * pair (n, m) of atoms, the diagonal n = m included, at row n·N + m (N² rows).
 */
public record Shape(Rows rows, int fixedRows, int width) {
    public enum Rows { ATOMS, EDGES, PAIRS, GRAPH, FIXED, ATOM_PAIRS }

    public Shape {
        if (width < 0 || (rows == Rows.FIXED && fixedRows < 0)) throw new IllegalArgumentException("negative extent in " + rows + " x " + width);
    }

    public static Shape atoms(int width) { return new Shape(Rows.ATOMS, -1, width); }
    public static Shape edges(int width) { return new Shape(Rows.EDGES, -1, width); }
    public static Shape pairs(int width) { return new Shape(Rows.PAIRS, -1, width); }
    public static Shape graph(int width) { return new Shape(Rows.GRAPH, -1, width); }
    public static Shape fixed(int rows, int width) { return new Shape(Rows.FIXED, rows, width); }
    /** Dense N × N values (row n·N + m for the ordered pair n, m; diagonal included). */
    public static Shape atomPairs(int width) { return new Shape(Rows.ATOM_PAIRS, -1, width); }

    /** Rows on {@code g} (fixed rows need no graph). */
    public int rowCount(Graph g) { return rows == Rows.FIXED ? fixedRows : g.rows(rows); }

    public int size(Graph g) { return rowCount(g) * width; }

    /** Same rows, another width. */
    public Shape withWidth(int w) { return new Shape(rows, fixedRows, w); }

    @Override public String toString() { return (rows == Rows.FIXED ? String.valueOf(fixedRows) : rows.name().toLowerCase()) + "x" + width; }
}
