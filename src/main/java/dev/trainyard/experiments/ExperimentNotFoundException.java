package dev.trainyard.experiments;

import dev.trainyard.system.NotFoundException;
import java.util.UUID;

/** No experiment with that id is visible to the caller; answered 404. */
class ExperimentNotFoundException extends NotFoundException {

    ExperimentNotFoundException(UUID id) {
        super("no experiment " + id + " exists for this token; list yours with GET /api/v1/experiments");
    }

    @Override
    public String title() {
        return "Experiment not found";
    }
}
