package dev.trainyard.security;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * API tokens. With none configured, the server creates an admin token in {@code <data-dir>/admin.token}.
 *
 * @param tokens the accepted bearer tokens, each with its principal
 */
@Validated
@ConfigurationProperties("trainyard.security")
public record ApiSecurityProperties(@DefaultValue List<@Valid Token> tokens) {

    /**
     * One accepted token.
     *
     * @param principal who the token stands for; owns the jobs submitted with it
     * @param token     the secret, at least 16 characters; supply it from a secret store or environment variable
     * @param admin     whether the token sees every job and the actuator endpoints
     */
    public record Token(
            @NotBlank @Size(max = 100) String principal,

            @NotBlank @Size(min = 16, message = "must be at least 16 characters")
            String token,

            @DefaultValue("false") boolean admin) {

        @Override
        public String toString() {
            return "Token[principal=" + principal + ", admin=" + admin + "]";
        }
    }
}
