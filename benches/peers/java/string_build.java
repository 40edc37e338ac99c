// string_build: build a large string from many small pieces by concatenation
// and formatting, join the lines, then split it up again and parse numbers out
// of it. Size: 250,000 lines of five numbers each (about 8 MB of text).
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

public class string_build {
    public static void main(String[] args) {
        int n = 250000;
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String line = "row " + i + ":";
            for (int j = 1; j < 6; j++) line += " " + ((long) i * j % 997);
            lines.add(line);
        }
        String text = String.join("\n", lines);
        System.out.println("length " + text.length());
        long sum = 0;
        long rows = 0;
        for (String l : text.split(Pattern.quote("\n"), -1)) {
            String[] fields = l.split(Pattern.quote(" "), -1);
            sum += Long.parseLong(fields[fields.length - 1]);
            rows += 1;
        }
        System.out.println("rows " + rows + ", sum of last fields " + sum);
        System.out.println("sevens " + (text.split(Pattern.quote("7"), -1).length - 1));
    }
}
