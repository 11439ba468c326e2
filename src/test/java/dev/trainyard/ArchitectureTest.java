package dev.trainyard;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.nio.file.Path;

@AnalyzeClasses(packages = "dev.trainyard", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** Training runs the same without HTTP or the job table, so it can be tested and benchmarked alone. */
    @ArchTest
    static final ArchRule trainingKnowsNothingOfWebOrJobs = noClasses()
            .that()
            .resideInAPackage("..training..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "..jobs..",
                    "..executor..",
                    "org.springframework.web..",
                    "jakarta.servlet..",
                    "org.springframework.jdbc..");

    /**
     * The request records a client writes (jobs.spec) stay with the API: training, data and schedules take their own
     * domain types (DatasetChoice, Augmentation, Optimizer, SchedulePlan) and know nothing of OpenAPI.
     */
    @ArchTest
    static final ArchRule domainTypesKnowNothingOfTheApi = noClasses()
            .that()
            .resideInAnyPackage("..training..", "..data..", "..schedule..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("..jobs..", "io.swagger..");

    /**
     * Only the jobs package writes the job tables, and only the experiments package its own; the latter reads its
     * trials' job states and epochs by joining the job tables.
     */
    @ArchTest
    static final ArchRule onlyJobsAndExperimentsUseJdbc = noClasses()
            .that()
            .resideOutsideOfPackages("..jobs..", "..experiments..")
            .should()
            .dependOnClassesThat()
            .resideInAPackage("org.springframework.jdbc..");

    /** The schedule a job trains under and the preview come from one class; nobody else implements ISchedule. */
    @ArchTest
    static final ArchRule schedulesLiveInTheSchedulePackage = classes()
            .that()
            .implement(org.nd4j.linalg.schedule.ISchedule.class)
            .should()
            .resideInAPackage("..schedule..");

    /**
     * A job's folder is laid out by JobArtifacts alone (and its checkpoints folder by CheckpointStore): the web
     * layer, the executor and the trainer ask for paths instead of building them.
     */
    @ArchTest
    static final ArchRule onlyTheArtifactOwnersBuildJobPaths = noClasses()
            .that()
            .resideInAnyPackage("..jobs..", "..executor..", "..training..")
            .and()
            .doNotHaveSimpleName("CheckpointStore")
            .should()
            .callMethod(Path.class, "resolve", String.class)
            .orShould()
            .callMethod(Path.class, "resolveSibling", String.class)
            .orShould()
            .callMethod(Path.class, "resolve", Path.class)
            .orShould()
            .callMethod(Path.class, "resolveSibling", Path.class);

    /**
     * A job's state changes only by a JobTransition, and only JobRepository makes one: no other class can move a job
     * past the fence and the state table.
     */
    @ArchTest
    static final ArchRule onlyTheJobRepositoryMovesJobs = noClasses()
            .that()
            .doNotHaveFullyQualifiedName("dev.trainyard.jobs.JobRepository")
            .and()
            .doNotHaveFullyQualifiedName("dev.trainyard.jobs.JobTransition")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("dev.trainyard.jobs.JobTransition");

    /** The tables are written by their repositories alone; services and controllers go through them. */
    @ArchTest
    static final ArchRule onlyTheRepositoriesTalkSql = noClasses()
            .that()
            .doNotHaveSimpleName("JobRepository")
            .and()
            .doNotHaveSimpleName("ExperimentRepository")
            .and()
            .doNotHaveSimpleName("JobEventLog")
            .and()
            .doNotHaveSimpleName("JobMetricsRepository")
            .and()
            .doNotHaveSimpleName("IdempotencyKeys")
            .and()
            .doNotHaveSimpleName("JobIdempotencyKeys")
            .and()
            .doNotHaveSimpleName("ExperimentIdempotencyKeys")
            .and()
            .doNotHaveSimpleName("WebhookDeliveries")
            .should()
            .dependOnClassesThat()
            .haveFullyQualifiedName("org.springframework.jdbc.core.simple.JdbcClient");

    /**
     * HTTP is the controllers' business (and the filters' and problem writers' in system and security): services,
     * repositories, the executor, training and data never see a request, a response or a status code.
     */
    @ArchTest
    static final ArchRule webTypesStayInTheWebLayer = noClasses()
            .that()
            .haveSimpleNameNotEndingWith("Controller")
            .and()
            .resideOutsideOfPackages("..system..", "..security..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("org.springframework.web..", "jakarta.servlet..", "org.springframework.http..");

    /** Features may use each other only without cycles. */
    @ArchTest
    static final ArchRule noCyclesBetweenFeatures = SlicesRuleDefinition.slices()
            .matching("dev.trainyard.(*)..")
            .should()
            .beFreeOfCycles();
}
