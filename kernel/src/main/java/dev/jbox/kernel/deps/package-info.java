/**
 * Notebook libraries: Maven resolution ({@code %maven}), local jars ({@code %classpath}) and repositories
 * ({@code %repo}) for one kernel session, put on the class path through {@code Evaluator.addToClassPath}.
 *
 * <p>Design choices:
 * <ul>
 *   <li><b>Isolation by relocation.</b> The kernel's own libraries, the resolver's included, are relocated under
 *   {@code dev.jbox.shaded} when {@code jbox.jar} is built (kernel/pom.xml). Cells compile against the kernel jar
 *   plus the user's entries and load through one parent-first class loader; since no third-party name of the
 *   kernel remains, the user's {@code com.fasterxml.jackson...} comes only from the user's jar. Child-first loading
 *   was the alternative: it would leave the kernel's classes on javac's class path (a cell would compile against
 *   the kernel's Jackson and run against the user's), and JShell's compile path would need a filtered copy of the
 *   kernel jar to fix that.</li>
 *   <li><b>One version per artifact.</b> A JVM class loader cannot hold two versions of a class, so the session
 *   remembers the version of every artifact it added; resolution pins them (as Maven's dependency management does)
 *   and a direct request for another version is refused.</li>
 *   <li><b>Resolver off the startup path.</b> Only {@link dev.jbox.kernel.deps.MavenResolver},
 *   {@link dev.jbox.kernel.deps.MavenSettings}, {@link dev.jbox.kernel.deps.ResolutionErrors} and
 *   {@link dev.jbox.kernel.deps.DependencyList} touch Maven types; they load on the first library magic (or for
 *   {@code JBOX_MAVEN}), never when the kernel starts.</li>
 * </ul>
 */
package dev.jbox.kernel.deps;
