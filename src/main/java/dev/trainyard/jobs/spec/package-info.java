/**
 * What a client writes: the job spec and its parts (dataset, augmentation, optimizer, schedule) and the schedule
 * preview request, with their JSON names, defaults, ranges and the rules between their fields, declared once as
 * Bean Validation constraints that OpenAPI shows. Each part turns into the domain type that trains
 * ({@link dev.trainyard.data.DatasetChoice}, {@link dev.trainyard.data.Augmentation},
 * {@link dev.trainyard.training.Optimizer}, {@link dev.trainyard.schedule.SchedulePlan}); the training, data and
 * schedule packages never see these records.
 */
package dev.trainyard.jobs.spec;
