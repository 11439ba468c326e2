package dev.trainyard.experiments;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A page of experiments, newest first.
 *
 * @param nextCursor pass as {@code cursor} for the next page; absent on the last
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentPage(List<ExperimentView> items, String nextCursor) {}
