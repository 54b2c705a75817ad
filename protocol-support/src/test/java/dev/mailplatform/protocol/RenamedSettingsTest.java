package dev.mailplatform.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithDefault;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RenamedSettingsTest {

    static final String NEW = "mail.pop3.plaintext-on-loopback";
    static final String OLD = "mail.pop3.trust-loopback";

    /** What a service registers: its own subclass with a no-argument constructor. */
    static final class Renames extends RenamedSettings {
        Renames() {
            super(Map.of(NEW, OLD, "mail.pop3.lease-duration", "mail.pop3.lease-seconds"));
        }
    }

    // jboss-logging logs through java.util.logging here (no LogManager in this module's tests).
    private final Logger jul = Logger.getLogger(RenamedSettings.class.getName());
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logged.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        jul.addHandler(capture);
    }

    @AfterEach
    void release() {
        jul.removeHandler(capture);
    }

    private static SmallRyeConfig config(Map<String, String> properties, Map<String, String> env) {
        return new SmallRyeConfigBuilder()
                .withInterceptors(new Renames())
                .withSources(new PropertiesConfigSource(properties, "application.properties", 250))
                .withSources(new EnvConfigSource(env, 300))
                .withDefaultValue(NEW, "false")
                .withProfile("test")
                .build();
    }

    private List<String> warnings() {
        return logged.stream().filter(r -> r.getLevel().intValue() >= Level.WARNING.intValue())
                .map(r -> r.getMessage() + (r.getParameters() == null ? "" : List.of(r.getParameters())))
                .toList();
    }

    @Test
    void newNameWinsOverTheOldInTheSameSource() {
        SmallRyeConfig c = config(Map.of(NEW, "false", OLD, "true"), Map.of());
        assertEquals("false", c.getRawValue(NEW));
        assertEquals(1, warnings().size(), "the old name is still reported: " + warnings());
    }

    @Test
    void oldNameIsReadWhenTheNewOneHasOnlyItsDefault() {
        SmallRyeConfig c = config(Map.of(OLD, "true"), Map.of());
        assertEquals("true", c.getRawValue(NEW));
        assertEquals(NEW, c.getConfigValue(NEW).getName());
        assertEquals(Boolean.TRUE, c.getValue(NEW, Boolean.class));
    }

    @Test
    void nothingSetGivesTheDefaultAndNoWarning() {
        SmallRyeConfig c = config(Map.of(), Map.of());
        assertEquals("false", c.getRawValue(NEW));
        assertNull(c.getRawValue("mail.pop3.lease-duration"));
        assertEquals(List.of(), warnings());
    }

    @Test
    void environmentVariablesUnderTheOldName() {
        SmallRyeConfig c = config(Map.of(), Map.of("MAIL_POP3_TRUST_LOOPBACK", "true", "MAIL_POP3_LEASE_SECONDS", "6"));
        assertEquals("true", c.getRawValue(NEW));
        assertEquals("6", c.getRawValue("mail.pop3.lease-duration"));
    }

    @Test
    void environmentVariableUnderTheNewNameWins() {
        SmallRyeConfig c = config(Map.of(),
                Map.of("MAIL_POP3_PLAINTEXT_ON_LOOPBACK", "false", "MAIL_POP3_TRUST_LOOPBACK", "true"));
        assertEquals("false", c.getRawValue(NEW));
    }

    @Test
    void oldNameInTheEnvironmentOverridesTheNewOneInTheFile() {
        // As any environment variable overrides application.properties: an operator's old-name setting still works.
        SmallRyeConfig c = config(Map.of(NEW, "false"), Map.of("MAIL_POP3_TRUST_LOOPBACK", "true"));
        assertEquals("true", c.getRawValue(NEW));
    }

    @Test
    void profilePrefixesWorkUnderTheOldName() {
        SmallRyeConfig c = config(Map.of("%test." + OLD, "true"), Map.of());
        assertEquals("true", c.getRawValue(NEW));
    }

    @ConfigMapping(prefix = "mail.pop3")
    interface Settings {
        @WithDefault("false")
        boolean plaintextOnLoopback();

        @WithDefault("60")
        int leaseDuration();
    }

    @Test
    void oldNamesInAFileGetPastAMappingsCheckForUnknownNames() {
        SmallRyeConfig c = new SmallRyeConfigBuilder()
                .withInterceptors(new Renames())
                .withSources(new PropertiesConfigSource(Map.of(OLD, "true", "mail.pop3.lease-seconds", "6"),
                        "application.properties", 250))
                .withMapping(Settings.class)
                .withValidateUnknown(true)
                .build();
        Settings s = c.getConfigMapping(Settings.class);
        assertTrue(s.plaintextOnLoopback());
        assertEquals(6, s.leaseDuration());
    }

    @Test
    void oneWarningPerOldNameWithoutTheValue() {
        SmallRyeConfig c = config(Map.of(OLD, "secret-looking-value"), Map.of("MAIL_POP3_LEASE_SECONDS", "6"));
        for (int i = 0; i < 3; i++) {
            c.getRawValue(NEW);
            c.getRawValue("mail.pop3.lease-duration");
        }
        List<String> w = warnings();
        assertEquals(2, w.size(), w.toString());
        assertTrue(w.stream().anyMatch(m -> m.contains(OLD) && m.contains(NEW)), w.toString());
        assertTrue(w.stream().anyMatch(m -> m.contains("mail.pop3.lease-seconds")
                && m.contains("mail.pop3.lease-duration")), w.toString());
        assertTrue(w.stream().noneMatch(m -> m.contains("secret-looking-value") || m.contains("[6]")), w.toString());
    }
}
