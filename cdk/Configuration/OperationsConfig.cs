using System.Text.RegularExpressions;

namespace LlmHosting.App.Configuration;

/// <summary>Who is told about the environment's endpoints, model imports and alarms.</summary>
public sealed record OperationsConfig
{
    /// <summary>
    /// E-mail addresses subscribed to the environment's notification topic (each must confirm the
    /// subscription mail once). Default: none.
    /// </summary>
    public IReadOnlyList<string> AlarmEmails { get; init; } = [];

    private static readonly Regex Email = new(@"^[^@\s]+@[^@\s]+\.[^@\s]+$", RegexOptions.CultureInvariant);

    internal void Validate(ICollection<string> problems)
    {
        for (var i = 0; i < AlarmEmails.Count; i++)
        {
            var email = AlarmEmails[i] ?? "";
            if (!Email.IsMatch(email))
            {
                problems.Add($"operations.alarmEmails[{i}] '{email}' is not an e-mail address");
            }
        }

        foreach (var duplicate in AlarmEmails.Where(e => e is not null).GroupBy(e => e, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"operations.alarmEmails lists '{duplicate.Key}' more than once");
        }
    }
}
