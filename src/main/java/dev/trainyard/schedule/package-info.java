/**
 * Learning-rate schedules: the spec a client sends, the {@link dev.trainyard.schedule.LearningRateSchedule} that
 * DL4J's updater calls at every step, and the preview that shows that same object's values.
 */
package dev.trainyard.schedule;
