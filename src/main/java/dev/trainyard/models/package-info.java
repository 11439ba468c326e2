/** The model catalogue API: which networks a job can train and their layer-by-layer summaries. */
package dev.trainyard.models;
