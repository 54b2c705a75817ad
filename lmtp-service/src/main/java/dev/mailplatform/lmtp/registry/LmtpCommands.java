package dev.mailplatform.lmtp.registry;

import dev.mailplatform.lmtp.command.BdatHandler;
import dev.mailplatform.lmtp.command.DataHandler;
import dev.mailplatform.lmtp.command.LhloHandler;
import dev.mailplatform.lmtp.command.MailHandler;
import dev.mailplatform.lmtp.command.NoopHandler;
import dev.mailplatform.lmtp.command.QuitHandler;
import dev.mailplatform.lmtp.command.RcptHandler;
import dev.mailplatform.lmtp.command.RsetHandler;
import dev.mailplatform.lmtp.command.StarttlsHandler;
import dev.mailplatform.lmtp.protocol.Reply;
import dev.mailplatform.lmtp.session.CommandHandler;
import dev.mailplatform.lmtp.session.SessionState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The command table, as data: each command, the states it is allowed in, the reply when it is not (before LHLO
 * always 503 5.5.1 "LHLO first"), and its handler.
 */
@ApplicationScoped
public class LmtpCommands {

    public record Entry(Set<SessionState> states, Reply refusal, CommandHandler handler) {
    }

    private static final Set<SessionState> ANY = EnumSet.allOf(SessionState.class);

    private final Map<String, Entry> table = Map.ofEntries(
            Map.entry("LHLO", new Entry(ANY, Reply.BAD_SEQUENCE, new LhloHandler())),
            Map.entry("MAIL", new Entry(EnumSet.of(SessionState.READY), Reply.NESTED_MAIL, new MailHandler())),
            Map.entry("RCPT", new Entry(EnumSet.of(SessionState.MAIL), Reply.NEED_MAIL, new RcptHandler())),
            Map.entry("DATA", new Entry(EnumSet.of(SessionState.MAIL), Reply.NEED_MAIL, new DataHandler())),
            // BDAT is let through in every state: its chunk must be read even when it is refused.
            Map.entry("BDAT", new Entry(ANY, Reply.NEED_MAIL, new BdatHandler())),
            Map.entry("RSET", new Entry(ANY, Reply.BAD_SEQUENCE, new RsetHandler())),
            Map.entry("NOOP", new Entry(ANY, Reply.BAD_SEQUENCE, new NoopHandler())),
            Map.entry("QUIT", new Entry(ANY, Reply.BAD_SEQUENCE, new QuitHandler())),
            Map.entry("VRFY", new Entry(ANY, Reply.BAD_SEQUENCE, (s, c) -> s.reply(Reply.VRFY))),
            Map.entry("STARTTLS", new Entry(EnumSet.of(SessionState.GREETED, SessionState.READY), Reply.BAD_SEQUENCE,
                    new StarttlsHandler())),
            // SMTP's greetings: an MTA speaking SMTP to the LMTP port is misconfigured; say so.
            Map.entry("HELO", new Entry(ANY, Reply.USE_LHLO, (s, c) -> s.reply(Reply.USE_LHLO))),
            Map.entry("EHLO", new Entry(ANY, Reply.USE_LHLO, (s, c) -> s.reply(Reply.USE_LHLO))));

    /** The entry for a verb (upper case), or null for an unknown command. */
    public Entry find(String verb) {
        return table.get(verb);
    }
}
