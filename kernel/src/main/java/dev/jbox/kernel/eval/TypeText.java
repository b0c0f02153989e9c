package dev.jbox.kernel.eval;

import com.sun.tools.javac.code.Type;
import java.util.List;
import java.util.stream.Collectors;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;

/**
 * The source text of a variable's inferred type, as a field declaration in package REPL can write it, or null
 * when it cannot be written there: anonymous, local or inaccessible classes, intersections, a top-level captured
 * wildcard. Captured wildcards inside type arguments are written as the wildcard they capture, as the language
 * does for {@code var} (upward projection, in its simple form). Classes declared in the session are written by
 * their simple name, which the declaring compilation imports.
 *
 * <pre>{@code
 * TypeText.of(typeOf("new ArrayList<String>()"))   // "java.util.ArrayList<java.lang.String>"
 * TypeText.of(typeOf("new Object() { }"))          // null: anonymous
 * }</pre>
 */
final class TypeText {

    private TypeText() {
    }

    static String of(TypeMirror t) {
        return write(t, true);
    }

    private static String write(TypeMirror t, boolean topLevel) {
        switch (t.getKind()) {
            case BOOLEAN, BYTE, SHORT, INT, LONG, CHAR, FLOAT, DOUBLE:
                return t.toString();
            case ARRAY: {
                String c = write(((ArrayType) t).getComponentType(), false);
                return c == null || c.startsWith("?") ? null : c + "[]";
            }
            case DECLARED:
                return declared((DeclaredType) t);
            case WILDCARD:
                return topLevel ? null : wildcard((WildcardType) t);
            case TYPEVAR:
                return topLevel ? null : capturedWildcard(t);
            default:
                return null; // intersection, union, null, error, void
        }
    }

    /** The wildcard a captured type variable stands for, written; null for other type variables. */
    private static String capturedWildcard(TypeMirror t) {
        try {
            return t instanceof Type.CapturedType captured ? wildcard(captured.wildcard) : null;
        } catch (IllegalAccessError e) {
            return null; // javac's internals are not exported to us: JShell infers such types
        }
    }

    private static String wildcard(WildcardType w) {
        if (w.getExtendsBound() != null) {
            String b = write(w.getExtendsBound(), false);
            return b == null ? null : "? extends " + b;
        }
        if (w.getSuperBound() != null) {
            String b = write(w.getSuperBound(), false);
            return b == null ? null : "? super " + b;
        }
        return "?";
    }

    private static String declared(DeclaredType t) {
        TypeElement e = (TypeElement) t.asElement();
        String name = name(e);
        if (name == null) {
            return null;
        }
        List<? extends TypeMirror> args = t.getTypeArguments();
        if (args.isEmpty()) {
            return name;
        }
        List<String> written = args.stream().map(a -> write(a, false)).collect(Collectors.toList());
        if (written.contains(null)) {
            return null;
        }
        return name + "<" + String.join(", ", written) + ">";
    }

    /** Simple name for the session's classes, qualified for others; null when it cannot be named from REPL. */
    private static String name(TypeElement e) {
        if (e.getNestingKind() == NestingKind.ANONYMOUS || e.getNestingKind() == NestingKind.LOCAL) {
            return null;
        }
        String qualified = e.getQualifiedName().toString();
        if (qualified.startsWith(ReplFileManager.PACKAGE + ".")) {
            return e.getNestingKind() == NestingKind.MEMBER && isReplWrapper(e.getEnclosingElement()) ? e.getSimpleName().toString() : null;
        }
        for (Element x = e; x != null && (x.getKind().isClass() || x.getKind().isInterface()); x = x.getEnclosingElement()) {
            if (!x.getModifiers().contains(Modifier.PUBLIC)) {
                return null;
            }
        }
        return qualified;
    }

    private static boolean isReplWrapper(Element e) {
        return e.getKind() == ElementKind.CLASS && e.getEnclosingElement().getKind() == ElementKind.PACKAGE;
    }
}
