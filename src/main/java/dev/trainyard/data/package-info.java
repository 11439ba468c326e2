/**
 * Datasets: what a run trains on ({@link dev.trainyard.data.DatasetChoice}), where the files live under the data
 * directory, the CIFAR-10 download with its checksum, and the minibatches the trainer consumes.
 */
package dev.trainyard.data;
