using System.Globalization;
using System.Text.RegularExpressions;

namespace LlmHosting.Constructs.Sagemaker.Scaling;

/// <summary>
/// The cron expressions of Application Auto Scaling scheduled actions: six fields, <c>Minutes Hours Day-of-month Month
/// Day-of-week Year</c> (botocore application-autoscaling <c>PutScheduledAction.Schedule</c>; the syntax is EventBridge's,
/// "Cron expressions reference": ranges 0-59, 0-23, 1-31, 1-12 or JAN-DEC, 1-7 or SUN-SAT, 1970-2199; wildcards
/// <c>, - * /</c> everywhere, <c>?</c> in day-of-month or day-of-week and in exactly one of them, <c>L</c> and <c>W</c> in
/// day-of-month, <c>L</c> and <c>#</c> in day-of-week). Checked offline so that a mistake fails synthesis, not the
/// deployment; the tests compare it with Quartz.NET's parser, whose syntax EventBridge's derives from.
/// </summary>
public static partial class ScheduleCron
{
    private static readonly string[] Months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] Days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private sealed record Field(string Name, int Min, int Max, string[]? Names);

    private static readonly Field[] Fields =
    [
        new("minutes", 0, 59, null),
        new("hours", 0, 23, null),
        new("day-of-month", 1, 31, null),
        new("month", 1, 12, Months),
        new("day-of-week", 1, 7, Days),
        new("year", 1970, 2199, null),
    ];

    /// <summary>
    /// The expression as Application Auto Scaling takes it, <c>cron(...)</c>, from six fields with or without the
    /// <c>cron(...)</c> wrapper; null when it is not a cron expression at all.
    /// </summary>
    /// <param name="expression">For example <c>0 8 ? * MON-FRI *</c> or <c>cron(0 8 ? * MON-FRI *)</c>.</param>
    public static string? Normalize(string? expression)
    {
        var fields = FieldsOf(expression);
        return fields is null ? null : $"cron({string.Join(' ', fields)})";
    }

    /// <summary>What is wrong with <paramref name="expression"/>, or an empty list when Application Auto Scaling accepts it.</summary>
    /// <param name="expression">Six cron fields, with or without the <c>cron(...)</c> wrapper.</param>
    public static IReadOnlyList<string> Problems(string? expression)
    {
        var fields = FieldsOf(expression);
        if (fields is null)
        {
            return [$"'{expression}' is not a cron expression of six fields (minutes hours day-of-month month day-of-week year, for example 0 8 ? * MON-FRI *)"];
        }

        var problems = new List<string>();
        for (var i = 0; i < Fields.Length; i++)
        {
            if (FieldProblem(Fields[i], fields[i]) is { } problem)
            {
                problems.Add(problem);
            }
        }

        // EventBridge: "You can't specify the Day-of-month and Day-of-week fields in the same cron expression. If you
        // specify a value or a * in one of the fields, you must use a ? in the other."
        if (fields[2] != "?" && fields[4] != "?")
        {
            problems.Add($"day-of-month ('{fields[2]}') and day-of-week ('{fields[4]}') cannot both be given: make one of them '?'");
        }

        return problems;
    }

    private static string[]? FieldsOf(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            return null;
        }

        var text = expression.Trim();
        if (Wrapped().Match(text) is { Success: true } wrapped)
        {
            text = wrapped.Groups[1].Value.Trim();
        }

        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return fields.Length == 6 ? fields : null;
    }

    private static string? FieldProblem(Field field, string text)
    {
        var special = field.Name switch
        {
            "day-of-month" => text is "?" or "L" || Weekday().IsMatch(text),
            "day-of-week" => text is "?" or "L" || LastOrNth(field, text),
            _ => false,
        };
        if (special)
        {
            return null;
        }

        foreach (var part in text.Split(','))
        {
            if (!PartValid(field, part))
            {
                return $"{field.Name} '{text}' is not valid: use {field.Min}-{field.Max}"
                       + (field.Names is null ? "" : $" or {field.Names[0]}-{field.Names[^1]}")
                       + ", *, lists (a,b), ranges (a-b) and steps (a/n or */n)"
                       + field.Name switch
                       {
                           "day-of-month" => ", ?, L or nW",
                           "day-of-week" => ", ?, nL or n#k",
                           _ => "",
                       };
            }
        }

        return null;
    }

    private static bool LastOrNth(Field field, string text)
    {
        if (text.EndsWith('L') && text.Length > 1)
        {
            return Value(field, text[..^1]) is not null;
        }

        var hash = text.Split('#');
        return hash.Length == 2 && Value(field, hash[0]) is not null && int.TryParse(hash[1], NumberStyles.None, CultureInfo.InvariantCulture, out var nth) && nth is >= 1 and <= 5;
    }

    private static bool PartValid(Field field, string part)
    {
        var slash = part.Split('/');
        if (slash.Length > 2)
        {
            return false;
        }

        if (slash.Length == 2 && (!int.TryParse(slash[1], NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step < 1 || step > field.Max))
        {
            return false;
        }

        var range = slash[0];
        if (range == "*")
        {
            return true;
        }

        var bounds = range.Split('-');
        return bounds.Length switch
        {
            1 => Value(field, bounds[0]) is not null,
            2 => Value(field, bounds[0]) is { } low && Value(field, bounds[1]) is { } high && low <= high,
            _ => false,
        };
    }

    private static int? Value(Field field, string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number >= field.Min && number <= field.Max ? number : null;
        }

        var index = field.Names is null ? -1 : Array.IndexOf(field.Names, text.ToUpperInvariant());
        return index < 0 ? null : field.Min + index;
    }

    [GeneratedRegex(@"^cron\((.*)\)$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Wrapped();

    [GeneratedRegex(@"^([1-9]|[12][0-9]|3[01])W$|^LW$", RegexOptions.CultureInvariant)]
    private static partial Regex Weekday();
}
