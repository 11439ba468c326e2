/**
 * Datasets: what a job names ({@link dev.trainyard.data.DatasetSpec}), where the files live under the data
 * directory, the CIFAR-10 download with its checksum, and the minibatches the trainer consumes.
 */
package dev.trainyard.data;
