namespace LlmHosting.Client;

/// <summary>
/// Hands out the last token while it has plenty of life left and makes a new one before it runs low, so that a
/// request never carries an expired token and a busy client does not sign on every call.
/// </summary>
internal sealed class BearerTokenCache(BearerTokenGenerator generator)
{
    /// <summary>A token is replaced once less than this much of its life remains (or less than half of it, for short tokens).</summary>
    internal static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(5);

    private readonly SemaphoreSlim _lock = new(1, 1);
    private volatile BearerToken? _current;

    public BearerTokenGenerator Generator { get; } = generator ?? throw new ArgumentNullException(nameof(generator));

    public async Task<BearerToken> GetAsync(CancellationToken cancellationToken)
    {
        var token = _current;
        if (token is not null && IsFresh(token))
        {
            return token;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is null || !IsFresh(_current))
            {
                _current = await Generator.GenerateAsync(cancellationToken).ConfigureAwait(false);
            }

            return _current;
        }
        finally
        {
            _lock.Release();
        }
    }

    private bool IsFresh(BearerToken token)
    {
        var margin = token.Lifetime / 2 < RefreshMargin ? token.Lifetime / 2 : RefreshMargin;
        return token.ExpiresAt - Generator.Clock.GetUtcNow() > margin;
    }
}
