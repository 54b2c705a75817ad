package dev.mailplatform.imap.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.mailplatform.imap.protocol.command.Command;
import dev.mailplatform.imap.registry.ImapCommands;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Feeds one input whole, split at random points (several seeds) and one byte at a time, and checks that the same
 * events come out every way. AppendData chunks depend on the split, so consecutive ones are merged into {@link Data}.
 */
final class ParserHarness {

    /** The server's command table, as the parser sees it. */
    static final ImapCommands COMMANDS = new ImapCommands();


    /** What the session would do on an event: accept literals, switch to line mode, ... */
    interface Reactor {
        void on(ParseEvent event, ImapParser parser);
    }

    /** Merged APPEND message bytes, ISO-8859-1 decoded so any byte compares exactly. */
    record Data(String bytes) {
    }

    static final Reactor ACCEPT_APPENDS = (e, p) -> {
        if (e instanceof ParseEvent.AppendStart s && s.synchronizing()) {
            p.acceptLiteral();
        }
    };

    private ParserHarness() {
    }

    static List<Object> events(String input) {
        return events(ParserLimits.defaults(), input, ACCEPT_APPENDS);
    }

    static List<Object> events(ParserLimits limits, String input, Reactor reactor) {
        return events(limits, input.getBytes(StandardCharsets.UTF_8), reactor);
    }

    static List<Object> events(ParserLimits limits, byte[] input, Reactor reactor) {
        List<Object> whole = run(limits, input, new int[] {input.length}, reactor);
        for (long seed = 1; seed <= 6; seed++) {
            Random random = new Random(seed);
            List<Integer> sizes = new ArrayList<>();
            int left = input.length;
            while (left > 0) {
                int n = Math.min(left, 1 + random.nextInt(Math.max(1, Math.min(left, 12 + (int) seed * 7))));
                sizes.add(n);
                left -= n;
            }
            assertEquals(whole, run(limits, input, sizes.stream().mapToInt(Integer::intValue).toArray(), reactor),
                    "random split, seed " + seed);
        }
        int[] ones = new int[input.length];
        java.util.Arrays.fill(ones, 1);
        assertEquals(whole, run(limits, input, ones, reactor), "one byte at a time");
        return whole;
    }

    private static List<Object> run(ParserLimits limits, byte[] input, int[] chunkSizes, Reactor reactor) {
        ImapParser parser = new ImapParser(limits, ParserHarness.COMMANDS);
        List<Object> out = new ArrayList<>();
        StringBuilder data = null;
        int off = 0;
        for (int size : chunkSizes) {
            parser.feed(input, off, size);
            off += size;
            while (true) {
                ParseEvent e = parser.next();
                if (e instanceof ParseEvent.NeedMore) {
                    break;
                }
                if (e instanceof ParseEvent.AppendData d) {
                    if (data == null) {
                        data = new StringBuilder();
                    }
                    data.append(new String(d.chunk(), StandardCharsets.ISO_8859_1));
                    continue;
                }
                if (data != null) {
                    out.add(new Data(data.toString()));
                    data = null;
                }
                out.add(e);
                reactor.on(e, parser);
            }
        }
        if (data != null) {
            out.add(new Data(data.toString()));
        }
        return out;
    }

    /** The single command that {@code input} (CRLF added when missing) parses to. */
    static Command command(String input) {
        List<Object> events = events(input.endsWith("\n") ? input : input + "\r\n");
        List<Object> requests = events.stream().filter(e -> !(e instanceof ParseEvent.Continue)).toList();
        assertEquals(1, requests.size(), () -> "events: " + events);
        return assertInstanceOf(ParseEvent.Request.class, requests.get(0), () -> "events: " + events).command();
    }

    static <T extends Command> T command(Class<T> type, String input) {
        return assertInstanceOf(type, command(input));
    }

    /** The single Bad that {@code input} (CRLF added when missing) produces. */
    static ParseEvent.Bad bad(String input) {
        List<Object> events = events(input.endsWith("\n") ? input : input + "\r\n");
        assertEquals(1, events.size(), () -> "events: " + events);
        return assertInstanceOf(ParseEvent.Bad.class, events.get(0));
    }
}
