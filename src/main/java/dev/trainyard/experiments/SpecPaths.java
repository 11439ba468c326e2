package dev.trainyard.experiments;

import java.util.Map;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Sets values at dotted paths ({@code schedule.warmupEpochs}) in a job spec's JSON. */
final class SpecPaths {

    private static final Pattern PATH = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,39}(\\.[A-Za-z][A-Za-z0-9]{0,39}){0,3}");

    private SpecPaths() {}

    static boolean isWellFormed(String path) {
        return path != null && PATH.matcher(path).matches();
    }

    /** A path that runs through a value that is not an object, e.g. {@code epochs.x}. */
    static final class NotAnObjectException extends Exception {
        NotAnObjectException(String path) {
            super(path);
        }
    }

    /**
     * A copy of {@code base} with every path set; objects on the way that {@code base} lacks are created.
     *
     * @throws NotAnObjectException naming the path prefix whose value is not an object
     */
    static ObjectNode with(ObjectNode base, Map<String, JsonNode> values) throws NotAnObjectException {
        ObjectNode spec = base.deepCopy();
        for (Map.Entry<String, JsonNode> value : values.entrySet()) {
            String[] names = value.getKey().split("\\.");
            ObjectNode parent = spec;
            StringBuilder walked = new StringBuilder();
            for (int i = 0; i < names.length - 1; i++) {
                walked.append(i == 0 ? "" : ".").append(names[i]);
                JsonNode child = parent.get(names[i]);
                if (child == null || child.isNull()) {
                    parent = parent.putObject(names[i]);
                } else if (child instanceof ObjectNode object) {
                    parent = object;
                } else {
                    throw new NotAnObjectException(walked.toString());
                }
            }
            parent.set(names[names.length - 1], value.getValue().deepCopy());
        }
        return spec;
    }
}
