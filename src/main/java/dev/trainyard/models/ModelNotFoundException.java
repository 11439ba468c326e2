package dev.trainyard.models;

import dev.trainyard.training.ModelArchitecture;

/** A model name the catalogue does not have; answered 404. */
public class ModelNotFoundException extends RuntimeException {

    public ModelNotFoundException(String name) {
        super("no model '" + name + "'; available: " + ModelArchitecture.ids());
    }
}
