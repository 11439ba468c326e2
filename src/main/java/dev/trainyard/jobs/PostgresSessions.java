package dev.trainyard.jobs;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * On PostgreSQL, every pooled session ends a transaction that stays idle for longer than a job lease.
 *
 * <p>why: a replica paused or cut off inside a transaction keeps its row locks, and the replica taking its jobs over
 * would wait on them for as long as the pause lasts. Past the lease timeout that replica is presumed gone anyway.
 */
@Configuration(proxyBeanMethods = false)
class PostgresSessions {

    private static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofSeconds(60);

    @Bean
    static BeanPostProcessor idleTransactionTimeout(Environment environment) {
        Duration leaseTimeout = Binder.get(environment).bind("trainyard.executor.lease-timeout", Duration.class)
                .orElse(DEFAULT_LEASE_TIMEOUT);
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource pool && pool.getJdbcUrl() != null
                        && pool.getJdbcUrl().startsWith("jdbc:postgresql:") && pool.getConnectionInitSql() == null) {
                    pool.setConnectionInitSql("SET idle_in_transaction_session_timeout = " + leaseTimeout.toMillis());
                }
                return bean;
            }
        };
    }
}
