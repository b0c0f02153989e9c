package dev.jbox.kernel.display;

import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import javax.imageio.ImageIO;

/** Turns image bytes into a bundle: PNG, JPEG and GIF as base64, SVG as text; the type from magic bytes or file name. */
final class Images {

    private Images() {
    }

    static MimeBundle fromBytes(byte[] bytes) {
        String mime = sniff(bytes);
        if (mime == null) {
            throw new IllegalArgumentException("image: not a PNG, JPEG, GIF or SVG image (" + bytes.length + " bytes)");
        }
        return bundle(mime, bytes);
    }

    static MimeBundle fromFile(Path path) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("image: cannot read " + path + ": " + e.getMessage(), e);
        }
        String mime = sniff(bytes);
        if (mime == null) {
            mime = byExtension(path.getFileName() == null ? "" : path.getFileName().toString());
        }
        if (mime == null) {
            throw new IllegalArgumentException("image: " + path + " is not a PNG, JPEG, GIF or SVG image");
        }
        return bundle(mime, bytes);
    }

    /** Encodes {@code image} as PNG; an image whose color model PNG cannot hold is drawn into an ARGB copy first. */
    static MimeBundle png(RenderedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", out)) {
                BufferedImage copy = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_ARGB);
                copy.createGraphics().drawRenderedImage(image, null);
                out.reset();
                ImageIO.write(copy, "png", out);
            }
            byte[] bytes = out.toByteArray();
            return MimeBundle.of("image/png", Base64.getEncoder().encodeToString(bytes))
                    .with("text/plain", "<image/png, " + image.getWidth() + "x" + image.getHeight() + ", " + bytes.length + " bytes>");
        } catch (IOException e) {
            throw new UncheckedIOException("image: cannot encode the image as PNG: " + e.getMessage(), e);
        }
    }

    /** The image MIME type announced by the first bytes, or null. */
    static String sniff(byte[] b) {
        if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return "image/png";
        }
        if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
            return "image/jpeg";
        }
        if (startsWith(b, 'G', 'I', 'F', '8')) {
            return "image/gif";
        }
        String head = new String(b, 0, Math.min(b.length, 1024), StandardCharsets.UTF_8).strip();
        if (head.startsWith("\uFEFF")) {
            head = head.substring(1).strip();
        }
        if ((head.startsWith("<svg") || head.startsWith("<?xml") || head.startsWith("<!DOCTYPE svg") || head.startsWith("<!--"))
                && head.contains("<svg")) {
            return "image/svg+xml";
        }
        return null;
    }

    static String byExtension(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".png")) {
            return "image/png";
        }
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "image/jpeg";
        }
        if (n.endsWith(".gif")) {
            return "image/gif";
        }
        if (n.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return null;
    }

    private static MimeBundle bundle(String mime, byte[] bytes) {
        Object data = mime.equals("image/svg+xml")
                ? new String(bytes, StandardCharsets.UTF_8)
                : Base64.getEncoder().encodeToString(bytes);
        return MimeBundle.of(mime, data).with("text/plain", "<" + mime + ", " + bytes.length + " bytes>");
    }

    private static boolean startsWith(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
