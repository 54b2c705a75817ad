package dev.mailplatform.admin.model;

import io.quarkus.qute.TemplateData;
import java.util.List;

/** What the API answers and the pages show; sizes in bytes, limits 0 = unlimited, null = inherited. */
public final class Views {

    private Views() {
    }

    @TemplateData
    public record DomainView(long id, String name, Long defaultStorageLimit, Long defaultMessageLimit,
            long effectiveStorageLimit, long effectiveMessageLimit, int retentionDays, int accounts,
            String createdAt) {

        /** The storage default as its form field shows it: empty when the platform default applies. */
        public String storageField() {
            return defaultStorageLimit == null ? "" : Sizes.field(defaultStorageLimit);
        }

        public String messageField() {
            return defaultMessageLimit == null ? "" : String.valueOf(defaultMessageLimit);
        }
    }

    @TemplateData
    public record AccountView(long id, String address, String domain, String displayName, boolean disabled,
            Long storageLimit, Long messageLimit, long effectiveStorageLimit, long effectiveMessageLimit,
            long storageUsed, long messagesUsed, double usage, Integer retentionDays, int effectiveRetentionDays,
            String retentionSource, String createdAt, List<String> warnings) {

        public int percent() {
            return Views.percent(usage);
        }

        public String storageField() {
            return storageLimit == null ? "" : Sizes.field(storageLimit);
        }

        public String messageField() {
            return messageLimit == null ? "" : String.valueOf(messageLimit);
        }

        public String retentionDaysField() {
            return retentionDays == null || retentionDays < 0 ? "" : String.valueOf(retentionDays);
        }
    }

    @TemplateData
    public record AccountRow(long id, String address, String displayName, boolean disabled, long storageUsed,
            long storageLimit, long messagesUsed, long messageLimit, double usage) {

        public int percent() {
            return Views.percent(usage);
        }
    }

    @TemplateData
    public record AccountPage(List<AccountRow> accounts, String nextCursor, int total) {
    }

    @TemplateData
    public record MailboxView(String name, int messages, long size) {
    }

    @TemplateData
    public record UsageView(String address, long storageUsed, long storageLimit, long messagesUsed, long messageLimit,
            double usage, List<MailboxView> mailboxes) {
    }

    @TemplateData
    public record DomainUsageView(String domain, int accounts, long storageUsed, long messagesUsed) {
    }

    @TemplateData
    public record OverviewView(int domains, int accounts, long storageUsed, long messagesUsed, int aboveWarn,
            int aboveCritical, double warnLevel, double criticalLevel, List<AccountRow> warned) {
    }

    @TemplateData
    public record AuditView(long id, String at, String actor, String action, String target, String detail) {
    }

    @TemplateData
    public record AdminView(long id, String username, String role, List<String> domains) {
    }

    @TemplateData
    public record TokenView(long id, String name, String createdAt, String lastUsed, String secret) {
    }

    /** The usage bar's width, 0..100 (a quota below its usage shows full). */
    static int percent(double usage) {
        return (int) Math.max(0, Math.min(100, Math.round(usage * 100)));
    }
}
