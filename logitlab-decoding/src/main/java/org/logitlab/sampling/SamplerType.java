package org.logitlab.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The configurable steps of a chain, named as in llama.cpp's {@code --samplers} (canonical name, then
 * accepted alternatives) and {@code --sampling-seq} (one character). ε and η are logitlab additions.
 */
public enum SamplerType {
    PENALTIES("penalties", 'e'),
    DRY("dry", 'd'),
    TOP_N_SIGMA("top_n_sigma", 's', "top-n-sigma"),
    TOP_K("top_k", 'k', "top-k"),
    TYPICAL_P("typ_p", 'y', "typical-p", "typical", "typ-p", "typ"),
    TOP_P("top_p", 'p', "top-p", "nucleus"),
    MIN_P("min_p", 'm', "min-p"),
    XTC("xtc", 'x'),
    TEMPERATURE("temperature", 't', "temp"),
    EPSILON("epsilon", 'n', "epsilon_cutoff"),
    ETA("eta", 'a', "eta_cutoff");

    /** llama.cpp's default order (common.h {@code samplers}). */
    public static final List<SamplerType> DEFAULT_ORDER =
            List.of(PENALTIES, DRY, TOP_N_SIGMA, TOP_K, TYPICAL_P, TOP_P, MIN_P, XTC, TEMPERATURE);

    private final String canonicalName;
    private final char character;
    private final List<String> alternativeNames;

    SamplerType(String canonicalName, char character, String... alternativeNames) {
        this.canonicalName = canonicalName;
        this.character = character;
        this.alternativeNames = List.of(alternativeNames);
    }

    public String canonicalName() {
        return canonicalName;
    }

    public char character() {
        return character;
    }

    /** Resolves one name (canonical or alternative, case-insensitive). */
    public static SamplerType fromName(String name) {
        String wanted = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        for (SamplerType type : values()) {
            if (type.canonicalName.equals(wanted) || type.alternativeNames.contains(wanted)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown sampler name '" + name + "'; valid names: " + validNames());
    }

    /** Parses an order like llama.cpp's {@code --samplers "top_k;top_p;min_p;temperature"}. */
    public static List<SamplerType> parseOrder(String order) {
        if (order == null) {
            throw new IllegalArgumentException("samplers must not be null");
        }
        List<SamplerType> types = new ArrayList<>();
        for (String name : order.split(";")) {
            if (!name.isBlank()) {
                types.add(fromName(name));
            }
        }
        return List.copyOf(types);
    }

    /** Parses llama.cpp's one-character form, e.g. {@code --sampling-seq "edskypmxt"}. */
    public static List<SamplerType> parseCharacters(String characters) {
        if (characters == null) {
            throw new IllegalArgumentException("sampling_seq must not be null");
        }
        List<SamplerType> types = new ArrayList<>();
        for (char character : characters.toCharArray()) {
            types.add(Arrays.stream(values())
                    .filter(type -> type.character == character)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown sampler character '" + character
                            + "' in sampling_seq \"" + characters + "\"; valid characters: "
                            + Arrays.stream(values())
                                    .map(type -> String.valueOf(type.character))
                                    .collect(Collectors.joining()))));
        }
        return List.copyOf(types);
    }

    public static String validNames() {
        return Arrays.stream(values())
                .map(type -> type.alternativeNames.isEmpty()
                        ? type.canonicalName
                        : type.canonicalName + " (" + String.join(", ", type.alternativeNames) + ")")
                .collect(Collectors.joining(", "));
    }

    /** Canonical names joined by ';', the inverse of {@link #parseOrder}. */
    public static String formatOrder(List<SamplerType> types) {
        return types.stream().map(SamplerType::canonicalName).collect(Collectors.joining(";"));
    }
}
