package dev.trainyard.jobs;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One page of jobs, newest first.
 *
 * @param nextCursor pass as {@code cursor} to get the next page; absent on the last page
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobPage(List<JobView> items, String nextCursor) {}
