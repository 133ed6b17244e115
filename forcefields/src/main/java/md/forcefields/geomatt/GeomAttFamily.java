package md.forcefields.geomatt;

import java.util.Map;

import md.core.io.NpyArray;
import md.forcefields.ml.families.GeomAtt;
import md.forcefields.ml.model.EquivariantModel;
import md.forcefields.ml.model.LearnedModel;
import md.forcefields.ml.model.ModelFamily;

/** Registers the {@link GeomAtt} family and its importer ({@code md import geomatt}). */
public final class GeomAttFamily implements ModelFamily {
    @Override public String name() { return GeomAtt.FAMILY; }

    @Override public String description() { return "GeomAtt, geometric attention of orders 2-5 (Frank & Chmiela 2021), thorben-frank/geomatt conventions"; }

    @Override public EquivariantModel fromSpec(Map<String, Object> spec) { return GeomAtt.fromSpec(spec); }

    /** {@code md train} with {@code model: {family: geomatt, ...}}: see {@link GeomAttTraining}. */
    @Override public Training training() { return new GeomAttTraining(); }

    @Override public Importer importer() {
        return new Importer() {
            @Override public String kind() { return "geomatt"; }

            @Override public String help() {
                return """
                        geomatt     GeomAtt (thorben-frank/geomatt). CONFIG: 'streams' (the keyword arguments of each
                                    Stream: order, N_L, F, F_v, d_min, d_max, interval, gamma, shared, bias),
                                    'EnergyPredictor' (F, atom_types, linear: false) and 'energy_standardisation'
                                    (mean, std, unit of the training energies); WEIGHTS: model.state_dict() saved
                                    with numpy. See docs/geomatt.md.""";
            }

            @Override public LearnedModel fromReference(Map<String, Object> config, Map<String, NpyArray> stateDict) {
                return GeomAttImporter.fromReference(config, stateDict);
            }

            @Override public String describe(LearnedModel model) {
                GeomAtt g = (GeomAtt) model.architecture();
                StringBuilder orders = new StringBuilder();
                for (GeomAtt.Stream s : g.streams()) orders.append(orders.isEmpty() ? "" : ",").append(s.order());
                return "GeomAtt, streams of orders " + orders + ", F_V " + g.embeddingFeatures() + ", " + g.streams().get(0).layers()
                        + " layers, K " + g.gridSize() + ", no cutoff";
            }
        };
    }
}
