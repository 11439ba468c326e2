package dev.trainyard.models;

import dev.trainyard.system.NotFoundException;
import dev.trainyard.training.ModelArchitecture;

/** A model name the catalogue does not have; answered 404. */
public class ModelNotFoundException extends NotFoundException {

    public ModelNotFoundException(String name) {
        super("no model '" + name + "'; available: " + ModelArchitecture.ids());
    }

    @Override
    public String title() {
        return "Model not found";
    }
}
