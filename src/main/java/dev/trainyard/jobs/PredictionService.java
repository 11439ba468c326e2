package dev.trainyard.jobs;

import dev.trainyard.data.ImageDecoder;
import dev.trainyard.data.LabeledImages;
import dev.trainyard.data.UnreadableImageException;
import dev.trainyard.system.InvalidRequestException;
import dev.trainyard.system.JobArtifacts;
import dev.trainyard.training.Predictor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/** Classifies uploaded images with a job's trained model; keeps the few most recently used models loaded. */
@Service
public class PredictionService {

    static final int LOADED_MODELS = 4;

    private final JobArtifacts artifacts;
    private final ImageDecoder decoder;
    private final JsonMapper json;
    private final Map<UUID, Predictor> loaded = new LinkedHashMap<>(LOADED_MODELS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Predictor> eldest) {
            return size() > LOADED_MODELS;
        }
    };

    public PredictionService(JobArtifacts artifacts, ImageDecoder decoder, JsonMapper json) {
        this.artifacts = artifacts;
        this.json = json;
        this.decoder = decoder;
    }

    /**
     * The most likely classes of an image for a job that has SUCCEEDED.
     *
     * @throws ModelNotReadyException for any other job
     * @throws InvalidRequestException when the bytes are not a PNG or JPEG image, or declare too many pixels
     */
    public List<Predictor.ClassProbability> predict(Job job, byte[] image, int top) {
        if (job.state() != JobState.SUCCEEDED) {
            throw new ModelNotReadyException(job.id(), job.state());
        }
        Predictor predictor = predictor(job.id());
        LabeledImages decoded;
        try {
            decoded = decoder.decode(image, predictor.classes());
        } catch (UnreadableImageException e) {
            throw InvalidRequestException.of("image", e.getMessage() + " (" + image.length + " bytes)");
        }
        return predictor.predict(decoded, top);
    }

    /** Drops a deleted job's loaded model. */
    synchronized void forget(UUID jobId) {
        loaded.remove(jobId);
    }

    private synchronized Predictor predictor(UUID jobId) {
        Predictor predictor = loaded.get(jobId);
        if (predictor == null) {
            try {
                predictor = Predictor.load(artifacts.folder(jobId), json);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the model of job " + jobId, e);
            }
            loaded.put(jobId, predictor);
        }
        return predictor;
    }
}
