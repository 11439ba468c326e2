package dev.trainyard.jobs;

import dev.trainyard.PostgresTestDatabase;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.boot.jdbc.test.autoconfigure.AutoConfigureTestDatabase;
import org.springframework.boot.jdbc.test.autoconfigure.JdbcTest;
import org.springframework.context.annotation.Import;

/** The job tables on PostgreSQL: the local server CI names, or a throw-away container. */
@JdbcTest
@AutoConfigureTestDatabase(replace = AutoConfigureTestDatabase.Replace.NONE)
@Import(PostgresTestDatabase.class)
@EnabledIf(PostgresTestDatabase.AVAILABLE)
class JobRepositoryPostgresTest extends JobRepositoryContract {}
