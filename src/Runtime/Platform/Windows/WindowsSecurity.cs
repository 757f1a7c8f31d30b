using System;
using System.ComponentModel;

namespace SharedStruct.Platform.Windows;

/// <summary>
/// Security descriptors for the kernel objects a segment creates, and the owner check on objects it opens.
/// A named object created with a null descriptor gets the creator token's default DACL, which on a typical desktop
/// also grants SYSTEM and Administrators; SharedStruct narrows that to the user (and widens it only on request).
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
internal static unsafe class WindowsSecurity
{
    private static string? s_userSid;
    private static string? s_primaryGroupSid;

    /// <summary>The current user's SID, e.g. "S-1-5-21-…-1001".</summary>
    public static string UserSid => s_userSid ??= ReadTokenSid(Win32.TokenUser);

    private static string PrimaryGroupSid => s_primaryGroupSid ??= ReadTokenSid(Win32.TokenPrimaryGroup);

    /// <summary>
    /// SDDL for an object created with <paramref name="sharing"/>. The owner is set to the user explicitly: an
    /// elevated administrator's token would otherwise make BUILTIN\Administrators the owner, and the owner check of
    /// the next opener would refuse the user's own segment. "P" protects the DACL from inheritance.
    /// </summary>
    public static string Sddl(SegmentSharing sharing)
    {
        string user = UserSid;
        string owner = $"O:{user}D:P(A;;GA;;;{user})";
        return sharing switch
        {
            // The token's primary group plays the part of the Unix group.
            SegmentSharing.Group => owner + $"(A;;GA;;;{PrimaryGroupSid})",
            SegmentSharing.Everyone => owner + "(A;;GA;;;WD)",
            _ => owner,
        };
    }

    /// <summary>A self-relative security descriptor for <paramref name="sharing"/>; free it with <see cref="Win32.LocalFree"/>.</summary>
    public static void* CreateDescriptor(SegmentSharing sharing)
    {
        void* descriptor;
        if (Win32.ConvertStringSecurityDescriptorToSecurityDescriptorW(Sddl(sharing), Win32.SDDL_REVISION_1, &descriptor, null) == 0)
            throw new Win32Exception(Win32.LastError, "Cannot build the segment's security descriptor.");
        return descriptor;
    }

    /// <summary>The SID string of the owner of the kernel object behind <paramref name="handle"/>, or null if unreadable.</summary>
    public static string? OwnerOf(nint handle, int objectType)
    {
        void* owner;
        void* descriptor;
        if (Win32.GetSecurityInfo(handle, objectType, Win32.OWNER_SECURITY_INFORMATION, &owner, null, null, null, &descriptor) != 0)
            return null;
        try
        {
            return owner == null ? null : SidToString(owner);
        }
        finally
        {
            Win32.LocalFree(descriptor);
        }
    }

    private static string ReadTokenSid(int informationClass)
    {
        nint token;
        if (Win32.OpenProcessToken(Win32.GetCurrentProcess(), Win32.TOKEN_QUERY, &token) == 0)
            throw new Win32Exception(Win32.LastError, "Cannot open this process's token to find the current user.");
        try
        {
            uint length;
            Win32.GetTokenInformation(token, informationClass, null, 0, &length);
            byte[] buffer = new byte[Math.Max(length, 64)];
            fixed (byte* p = buffer)
            {
                if (Win32.GetTokenInformation(token, informationClass, p, (uint)buffer.Length, &length) == 0)
                    throw new Win32Exception(Win32.LastError, "Cannot read the current user from this process's token.");
                // TOKEN_USER starts with SID_AND_ATTRIBUTES { PSID Sid; ... }, TOKEN_PRIMARY_GROUP with PSID: both a SID pointer first.
                return SidToString(*(void**)p);
            }
        }
        finally
        {
            Win32.CloseHandle(token);
        }
    }

    private static string SidToString(void* sid)
    {
        char* text;
        if (Win32.ConvertSidToStringSidW(sid, &text) == 0)
            throw new Win32Exception(Win32.LastError, "Cannot convert a SID to text.");
        try
        {
            return new string(text);
        }
        finally
        {
            Win32.LocalFree(text);
        }
    }
}
