package dev.trainyard.security;

import dev.trainyard.system.AtomicFiles;
import dev.trainyard.system.DataDirectory;
import dev.trainyard.system.Sha256;
import dev.trainyard.system.logging.LogRedaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The tokens the API accepts. Tokens are compared by their SHA-256 in constant time, so neither timing nor a heap
 * dump of this object reveals them.
 */
@Component
public class ApiTokens {

    static final String GENERATED_ADMIN = "admin";
    private static final Logger log = LoggerFactory.getLogger(ApiTokens.class);

    private final List<Entry> entries;

    public ApiTokens(ApiSecurityProperties properties, DataDirectory dataDirectory) {
        List<ApiSecurityProperties.Token> configured = properties.tokens();
        if (configured.isEmpty()) {
            String token = readOrCreateAdminToken(dataDirectory.adminToken());
            LogRedaction.registerSecrets(List.of(token));
            this.entries = List.of(new Entry(Sha256.of(token), new Caller(GENERATED_ADMIN, true)));
        } else {
            LogRedaction.registerSecrets(
                    configured.stream().map(ApiSecurityProperties.Token::token).toList());
            this.entries = configured.stream()
                    .map(t -> new Entry(Sha256.of(t.token()), new Caller(t.principal(), t.admin())))
                    .toList();
        }
    }

    /** The caller a presented token belongs to. */
    public Optional<Caller> authenticate(String presented) {
        byte[] digest = Sha256.of(presented);
        Caller match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest)) {
                match = entry.caller();
            }
        }
        return Optional.ofNullable(match);
    }

    private static String readOrCreateAdminToken(Path file) {
        try {
            if (!Files.exists(file)) {
                byte[] random = new byte[32];
                new SecureRandom().nextBytes(random);
                String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
                // why: written whole to a private temporary file first and linked into place, so a crash leaves no
                // empty token file and two servers starting at once agree on one token
                Path partial = Files.createTempFile(
                        file.getParent(),
                        AtomicFiles.TEMPORARY_PREFIX,
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                try {
                    Files.writeString(partial, token + "\n", StandardCharsets.US_ASCII);
                    try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                        channel.force(true);
                    }
                    Files.createLink(file, partial);
                    log.info(
                            "No API tokens configured: created an admin token in {} (readable by this user only)",
                            file);
                } catch (FileAlreadyExistsException raced) {
                    log.debug("admin token created concurrently", raced);
                } finally {
                    Files.deleteIfExists(partial);
                }
            } else {
                log.info("No API tokens configured: using the admin token in {}", file);
            }
            String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
            if (token.length() < 16) {
                throw new IllegalStateException(file + " holds a token shorter than 16 characters; delete the file "
                        + "to have a new one generated");
            }
            return token;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the admin token " + file, e);
        }
    }

    private record Entry(byte[] digest, Caller caller) {}
}
