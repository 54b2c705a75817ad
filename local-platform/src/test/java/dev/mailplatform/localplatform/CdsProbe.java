package dev.mailplatform.localplatform;

import java.util.function.Supplier;

/** A class {@link CdsProbeMain} loads through its own class loader, as Quarkus loads libraries. */
public class CdsProbe implements Supplier<String> {
    @Override
    public String get() {
        return "probe loaded by " + getClass().getClassLoader().getClass().getSimpleName();
    }
}
