package dev.trainyard.jobs;

import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;

/** The job tables on the embedded H2 database that a single server uses by default. */
@JdbcTest
class JobRepositoryH2Test extends JobRepositoryContract {}
