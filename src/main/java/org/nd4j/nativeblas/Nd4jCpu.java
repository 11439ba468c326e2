package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Bridges DL4J 1.0.0-M2.1's oneDNN check to the ND4J build it ships with.
 *
 * <p>why: before a convolution layer uses its oneDNN helper, DL4J's {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment#isUseMKLDNN} by name. M2.1 moved that class to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment} and renamed the method {@code isUseONEDNN}, so the
 * lookup fails and every conv layer silently falls back to the slow built-in path (about 6x slower here). This class
 * answers the old name with the native library's real setting; it never claims oneDNN is on when it is not.
 * It is only reached on the CPU backend (DL4J checks the backend first), so it refers to the CPU classes by name.
 */
public final class Nd4jCpu {

    private Nd4jCpu() {}

    /** The old name of ND4J's native environment, as DL4J's oneDNN check expects it. */
    public static final class Environment {

        private static final Environment INSTANCE = new Environment();

        private Environment() {}

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether the loaded libnd4j was built with oneDNN and has it switched on. */
        public boolean isUseMKLDNN() {
            try {
                Class<?> nativeEnvironment =
                        Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object environment = nativeEnvironment.getMethod("getInstance").invoke(null);
                Method isUseOneDnn = nativeEnvironment.getMethod("isUseONEDNN");
                return (Boolean) isUseOneDnn.invoke(environment);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
