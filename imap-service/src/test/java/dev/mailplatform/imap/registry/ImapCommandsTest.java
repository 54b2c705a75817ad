package dev.mailplatform.imap.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mailplatform.imap.session.Commands;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one command table: complete rows, one kind each, and the capabilities that follow from it. */
class ImapCommandsTest {

    private final ImapCommands commands = new ImapCommands();

    @Test
    void everyRowHasAParserStatesAndExactlyOneKindOfHandler() {
        for (String name : commands.names()) {
            Commands.Entry e = commands.entry(name);
            assertNotNull(commands.parser(name), name);
            assertTrue(!e.states().isEmpty(), name);
            assertTrue((e.handler() == null) != (e.streaming() == null), name + " has exactly one handler");
            assertEquals(e.streaming() != null, commands.streamsLiteral(name), name);
        }
        assertEquals(List.of("APPEND"), commands.names().stream().filter(commands::streamsLiteral).toList());
    }

    @Test
    void aUidFormIsAllowedWhereItsSequenceFormIsAndMayShowExpunges() {
        for (String name : commands.names()) {
            if (name.startsWith("UID ")) {
                Commands.Entry uid = commands.entry(name);
                Commands.Entry plain = commands.entry(name.substring(4));
                assertNotNull(plain, name);
                assertEquals(plain.states(), uid.states(), name);
                assertTrue(uid.mayExpunge(), name + " names messages by UID: EXPUNGE may follow");
            }
        }
        for (String seq : List.of("FETCH", "STORE", "SEARCH", "COPY")) {
            assertTrue(!commands.entry(seq).mayExpunge(), seq + " by sequence number shows no EXPUNGE (RFC 3501 7.4.1)");
        }
    }

    @Test
    void theCapabilitiesAreThoseOfTheRegisteredCommands() {
        assertEquals(List.of("ID", "STARTTLS", "SASL-IR", "ENABLE", "QRESYNC", "CHILDREN", "SPECIAL-USE", "NAMESPACE",
                "IDLE", "QUOTA", "QUOTA=RES-STORAGE", "QUOTA=RES-MESSAGE", "APPENDLIMIT", "UNSELECT", "UIDPLUS",
                "ESEARCH", "SEARCHRES", "WITHIN", "CONDSTORE", "MOVE"),
                commands.capabilities());
        assertEquals(null, commands.entry("THREAD"), "nothing unregistered is looked up, nor advertised");
    }
}
