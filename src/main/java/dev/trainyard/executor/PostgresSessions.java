package dev.trainyard.executor;

import com.zaxxer.hikari.HikariDataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * On PostgreSQL, every pooled session ends a transaction that stays idle for longer than a job lease
 * ({@code trainyard.executor.lease-timeout}).
 *
 * <p>why: a replica paused or cut off inside a transaction keeps its row locks, and the replica taking its jobs over
 * would wait on them for as long as the pause lasts. Past the lease timeout that replica is presumed gone anyway.
 */
@Configuration(proxyBeanMethods = false)
class PostgresSessions {

    /** The settings are looked up when the pool is built, not when post-processors are: they bind as usual. */
    @Bean
    static BeanPostProcessor idleTransactionTimeout(ObjectProvider<ExecutorProperties> settings) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String beanName) {
                if (bean instanceof HikariDataSource pool
                        && pool.getJdbcUrl() != null
                        && pool.getJdbcUrl().startsWith("jdbc:postgresql:")
                        && pool.getConnectionInitSql() == null) {
                    pool.setConnectionInitSql("SET idle_in_transaction_session_timeout = "
                            + settings.getObject().leaseTimeout().toMillis());
                }
                return bean;
            }
        };
    }
}
