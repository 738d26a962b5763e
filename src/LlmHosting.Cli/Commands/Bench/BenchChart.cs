using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace LlmHosting.Cli.Commands.Bench;

/// <summary>
/// The SVG chart of a run: two panels over the same concurrency axis, output throughput above and time to first token
/// (p50 and p90) below, each with labelled axes and ticks. Built as XML (System.Xml.Linq), so text is escaped and the
/// document is well-formed whatever the model's name.
/// </summary>
internal static class BenchChart
{
    private const double Width = 760, Left = 90, Right = 30, PlotHeight = 180, Title = 70, PanelStep = 270;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static XDocument Create(BenchResult result)
    {
        var levels = result.Levels;
        var height = Title + (2 * PanelStep);
        var root = new XElement(Svg + "svg",
            new XAttribute("width", Number(Width)), new XAttribute("height", Number(height)),
            new XAttribute("viewBox", $"0 0 {Number(Width)} {Number(height)}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", "12"),
            new XElement(Svg + "title", $"llmhost bench: {result.Model}, throughput and time to first token against concurrency"),
            new XElement(Svg + "rect", new XAttribute("width", "100%"), new XAttribute("height", "100%"), new XAttribute("fill", "white")),
            Text(Width / 2, 24, $"llmhost bench: {result.Model}", "middle", ("font-size", "16"), ("font-weight", "bold")),
            Text(Width / 2, 42, $"prompt {result.Settings.PromptTokens} words, output {result.Settings.OutputTokens} tokens, {result.StartedAt:yyyy-MM-dd HH:mm} UTC", "middle", ("fill", "#555")));
        root.Add(Panel("throughput", Title, levels, "output tokens/s (all requests)",
            [new Series("output tokens/s", "#1f77b4", null, levels.Select(l => l.Succeeded > 0 ? l.OutputTokensPerSecond : (double?)null).ToList())]));
        root.Add(Panel("time-to-first-token", Title + PanelStep, levels, "time to first token (ms)",
        [
            new Series("p50", "#d62728", null, levels.Select(l => l.TimeToFirstTokenMs?.P50).ToList()),
            new Series("p90", "#ff7f0e", "6 4", levels.Select(l => l.TimeToFirstTokenMs?.P90).ToList()),
        ]));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), root);
    }

    private sealed record Series(string Name, string Color, string? Dash, IReadOnlyList<double?> Values);

    private static XElement Panel(string id, double top, IReadOnlyList<LevelStats> levels, string yLabel, IReadOnlyList<Series> series)
    {
        var plotWidth = Width - Left - Right;
        var bottom = top + PlotHeight;
        var max = NiceMax(series.SelectMany(s => s.Values).Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Max());
        double X(int i) => Left + ((i + 0.5) * plotWidth / Math.Max(1, levels.Count));
        double Y(double value) => bottom - (value / max * PlotHeight);
        var panel = new XElement(Svg + "g", new XAttribute("id", id));
        for (var tick = 0; tick <= 5; tick++)
        {
            var value = max * tick / 5;
            panel.Add(Line(Left, Y(value), Width - Right, Y(value), tick == 0 ? "#000" : "#ddd"));
            panel.Add(Text(Left - 8, Y(value) + 4, Number(value), "end"));
        }

        panel.Add(Line(Left, top, Left, bottom, "#000"));
        for (var i = 0; i < levels.Count; i++)
        {
            panel.Add(Line(X(i), bottom, X(i), bottom + 5, "#000"));
            panel.Add(Text(X(i), bottom + 18, levels[i].Concurrency.ToString(CultureInfo.InvariantCulture), "middle"));
        }

        panel.Add(Text(Left + (plotWidth / 2), bottom + 38, "concurrency (requests in flight)", "middle", ("class", "x-axis-label")));
        var middle = top + (PlotHeight / 2);
        panel.Add(Text(Left - 62, middle, yLabel, "middle", ("class", "y-axis-label"), ("transform", $"rotate(-90 {Number(Left - 62)} {Number(middle)})")));
        for (var s = 0; s < series.Count; s++)
        {
            var line = series[s];
            var points = line.Values.Select((v, i) => (v, i)).Where(p => p.v is not null).ToList();
            var polyline = new XElement(Svg + "polyline", new XAttribute("class", "series"), new XAttribute("data-series", line.Name),
                new XAttribute("fill", "none"), new XAttribute("stroke", line.Color), new XAttribute("stroke-width", "2"),
                new XAttribute("points", string.Join(' ', points.Select(p => $"{Number(X(p.i))},{Number(Y(p.v!.Value))}"))));
            if (line.Dash is not null)
            {
                polyline.Add(new XAttribute("stroke-dasharray", line.Dash));
            }

            panel.Add(polyline);
            panel.Add(points.Select(p => new XElement(Svg + "circle", new XAttribute("cx", Number(X(p.i))), new XAttribute("cy", Number(Y(p.v!.Value))),
                new XAttribute("r", "3.5"), new XAttribute("fill", line.Color))));
            var legendX = Width - Right - 150 + (s * 70);
            panel.Add(Line(legendX, top - 12, legendX + 20, top - 12, line.Color, line.Dash, width: 2));
            panel.Add(Text(legendX + 24, top - 8, line.Name, "start"));
        }

        return panel;
    }

    /// <summary>Writes the chart as UTF-8 without a byte order mark.</summary>
    public static void Save(XDocument chart, string path)
    {
        using var writer = XmlWriter.Create(path, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true });
        chart.Save(writer);
    }

    /// <summary>The smallest of 1, 2, 2.5 or 5 times a power of ten at or above <paramref name="value"/> (1 for nothing).</summary>
    internal static double NiceMax(double value)
    {
        if (value <= 0 || !double.IsFinite(value))
        {
            return 1;
        }

        var power = Math.Pow(10, Math.Floor(Math.Log10(value)));
        return new[] { 1, 2, 2.5, 5, 10 }.Select(step => step * power).First(candidate => candidate >= value * (1 - 1e-12));
    }

    private static XElement Line(double x1, double y1, double x2, double y2, string color, string? dash = null, double width = 1)
    {
        var line = new XElement(Svg + "line", new XAttribute("x1", Number(x1)), new XAttribute("y1", Number(y1)),
            new XAttribute("x2", Number(x2)), new XAttribute("y2", Number(y2)), new XAttribute("stroke", color), new XAttribute("stroke-width", Number(width)));
        if (dash is not null)
        {
            line.Add(new XAttribute("stroke-dasharray", dash));
        }

        return line;
    }

    private static XElement Text(double x, double y, string text, string anchor, params (string Name, string Value)[] style)
    {
        var element = new XElement(Svg + "text", new XAttribute("x", Number(x)), new XAttribute("y", Number(y)), new XAttribute("text-anchor", anchor), text);
        foreach (var (name, value) in style)
        {
            element.Add(new XAttribute(name, value));
        }

        return element;
    }

    private static string Number(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
