/**
 * Learning-rate schedules: the {@link dev.trainyard.schedule.LearningRateSchedule} that DL4J's updater calls at
 * every step, and the preview that shows that same object's values. The request a client writes is in
 * {@code jobs.spec}, its endpoint in {@code jobs}.
 */
package dev.trainyard.schedule;
