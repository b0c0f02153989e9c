// Startup of `jbox jshell`: the sandbox client on the class path, its types imported, a local sandbox ready.
import dev.jbox.client.*;
import java.time.*;
import java.nio.file.*;
import java.util.*;
var sandbox = Sandbox.local();
