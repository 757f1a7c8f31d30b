namespace SharedStruct.CodeFixes;
internal static class Placeholder { }
