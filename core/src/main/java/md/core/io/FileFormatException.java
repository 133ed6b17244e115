package md.core.io;

import java.io.IOException;

/**
 * A file that could be read but whose content is not what it should be (not the format, damaged,
 * inconsistent): a mistake in the input, not an I/O failure of the machine. The message names the file
 * and what is wrong.
 */
public class FileFormatException extends IOException {
    public FileFormatException(String message) { super(message); }

    public FileFormatException(String message, Throwable cause) { super(message, cause); }
}
