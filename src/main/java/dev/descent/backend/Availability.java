package dev.descent.backend;

/**
 * Whether a backend can run here: with the device it would use, or the reason it cannot
 * (missing driver, no platform, ...).
 */
public record Availability(boolean available, String device, String reason) {

    public static Availability available(String device) {
        return new Availability(true, device, "");
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, "", reason);
    }

    @Override
    public String toString() {
        return available ? "available: " + device : "unavailable: " + reason;
    }
}
