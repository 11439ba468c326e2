package dev.trainyard.jobs.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainyard.data.Augmentation;
import dev.trainyard.data.DatasetChoice;
import dev.trainyard.system.JobFolder;
import dev.trainyard.training.ModelArchitecture;
import dev.trainyard.training.Optimizer;
import dev.trainyard.training.TrainingRequest;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** What a submitted spec trains: its effective values, turned into the trainer's own types. */
class JobSpecTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final JobFolder files = JobFolder.at(Path.of("jobs", "x"));

    private TrainingRequest trained(String spec) {
        return json.readValue(spec, JobSpec.class).withDefaults(() -> 7L).toTrainingRequest(files, null);
    }

    @Test
    void anEmptySpecTrainsTheDefaults() {
        TrainingRequest request = trained("{}");

        assertThat(request.model()).isEqualTo(ModelArchitecture.SEEDNET);
        assertThat(request.dataset()).isEqualTo(new DatasetChoice.Cifar10(null, null, 0.0));
        assertThat(request.augment()).isEqualTo(new Augmentation(4, true, true));
        assertThat(request.epochs()).isEqualTo(10);
        assertThat(request.batchSize()).isEqualTo(64);
        assertThat(request.optimizer()).isEqualTo(new Optimizer(Optimizer.Kind.SGD, 0.9, 5e-4));
        assertThat(request.seed()).isEqualTo(7L);
        assertThat(request.files()).isSameAs(files);
    }

    @Test
    void everyPartTrainsAsWritten() {
        TrainingRequest request = trained("""
                {"model": "resnet20", "epochs": 4, "batchSize": 32, "seed": 9,
                 "dataset": {"name": "imagefolder", "path": "a/train", "testPath": "a/test", "trainLimit": 100,
                             "testLimit": 20, "validationFraction": 0.2},
                 "augment": {"randomCrop": 0, "horizontalFlip": false, "normalize": false},
                 "optimizer": {"type": "adamw", "weightDecay": 0.01}}""");

        assertThat(request.model()).isEqualTo(ModelArchitecture.RESNET20);
        assertThat(request.dataset()).isEqualTo(new DatasetChoice.ImageFolder("a/train", "a/test", 100, 20, 0.2));
        assertThat(request.augment()).isEqualTo(Augmentation.NONE);
        assertThat(request.optimizer()).isEqualTo(new Optimizer(Optimizer.Kind.ADAMW, 0, 0.01));
        assertThat(request.seed()).isEqualTo(9L);
    }

    @Test
    void aPartAsSentTrainsWithItsDefaultsFilledIn() {
        assertThat(DatasetSpec.UNSET.toChoice()).isEqualTo(new DatasetChoice.Cifar10(null, null, 0.0));
        assertThat(new AugmentSpec(0, null, null).toAugmentation()).isEqualTo(new Augmentation(0, true, true));
        assertThat(new OptimizerSpec(OptimizerSpec.Type.ADAM, null, null, null).toOptimizer())
                .isEqualTo(new Optimizer(Optimizer.Kind.ADAM, 0, 5e-4));
    }

    @Test
    void theScheduleThatTrainsIsTheOneThePreviewShows() {
        String schedule = "{\"type\": \"cosine-warmup\", \"baseLr\": 0.1, \"warmupSteps\": 7, \"minLr\": 0.001}";
        TrainingRequest request = trained("{\"epochs\": 3, \"schedule\": " + schedule + "}");
        var previewed = json.readValue(schedule, ScheduleSpec.class).toSchedule(3, 25);

        var plan = request.schedule().over(3, 25);
        assertThat(LongStream.range(0, 75).mapToDouble(plan::valueAt).toArray())
                .containsExactly(
                        LongStream.range(0, 75).mapToDouble(previewed::valueAt).toArray());
    }
}
