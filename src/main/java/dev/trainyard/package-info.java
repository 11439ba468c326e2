/**
 * trainyard: a REST training-job server. Packages are features: {@code jobs} (spec, lifecycle, storage, API),
 * {@code executor} (device slots that run queued jobs), {@code training} (DL4J networks and the trainer),
 * {@code schedule} (learning-rate schedules and their preview), {@code data} (datasets), {@code models}
 * (the model catalogue API), {@code metrics}, {@code security} and {@code system} (cross-cutting configuration).
 */
package dev.trainyard;
